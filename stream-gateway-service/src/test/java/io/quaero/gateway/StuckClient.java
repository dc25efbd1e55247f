package io.quaero.gateway;

import io.quaero.access.TestCallers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.SseReader;

/**
 * A browser tab that stopped reading: it sends its request and then leaves the response in
 * the kernel until {@link #readToEnd}. The small receive buffer makes the server's writes
 * block soon, as they would behind a stalled client on a real network.
 */
final class StuckClient implements AutoCloseable {

    private final Socket socket;

    private StuckClient(Socket socket) {
        this.socket = socket;
    }

    static StuckClient connect(int port, String path) throws IOException {
        var socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestCallers.ADMIN_TOKEN + "\r\n"
            + "Accept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new StuckClient(socket);
    }

    /** Reads the whole response; fails if the server does not end it within {@code timeout} of silence. */
    Response readToEnd(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        var in = new BufferedInputStream(socket.getInputStream());
        String head = readHead(in);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        boolean chunked = head.toLowerCase().contains("transfer-encoding: chunked");
        var body = chunked ? new Dechunked(in) : in;
        List<SseFrame> frames = new ArrayList<>();
        var reader = new SseReader(body);
        for (SseFrame f = reader.next(); f != null; f = reader.next()) {
            frames.add(f);
        }
        // SseReader returns null only at the end of the body: the server ended the response.
        boolean ended = !chunked || ((Dechunked) body).sawLastChunk;
        return new Response(status, frames, ended);
    }

    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    record Response(int status, List<SseFrame> frames, boolean endedByServer) {
    }

    /** The body of a {@code Transfer-Encoding: chunked} response. */
    private static final class Dechunked extends InputStream {

        private final InputStream in;
        private int left;
        private boolean sawLastChunk;

        Dechunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (sawLastChunk) {
                return -1;
            }
            if (left == 0) {
                String size = line();
                if (size == null) {
                    return -1;
                }
                left = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
                if (left == 0) {
                    sawLastChunk = true;
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, left));
            if (n < 0) {
                return -1;
            }
            left -= n;
            if (left == 0) {
                line();
            }
            return n;
        }

        private String line() throws IOException {
            var sb = new StringBuilder();
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (c == '\n') {
                    return sb.toString().strip();
                }
                sb.append((char) c);
            }
            return sb.isEmpty() ? null : sb.toString();
        }
    }
}
