package io.quaero.gateway.sse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns one stream's SSE frames into frames of one channel of a browser's shared connection: after
 * each {@code event:} line it adds a {@code data:} line naming the channel (EventSource joins the
 * data lines with a line break, so the payload is "channel, line break, JSON", the JSON bytes
 * unchanged), and it drops {@code id:} lines — the connection's id is the cursors of all its
 * channels, written by the connection after each batch. Whatever a stream writes (its own
 * events, bytes prepared for other connections) passes through here unchanged otherwise.
 *
 * <p>Works on line starts only: the gateway writes every field on its own line, and only
 * {@code id:} lines start with {@code i}, only {@code event:} lines with {@code e}.
 */
public final class ChannelFrames extends OutputStream {

    private enum At { LINE_START, PASS, DROP, EVENT }

    private final OutputStream out;
    private final byte[] channelLine;
    private At at = At.LINE_START;

    public ChannelFrames(OutputStream out, String channel) {
        this.out = out;
        this.channelLine = ("data: " + channel + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int run = off;
        for (int i = off; i < end; i++) {
            if (at == At.LINE_START) {
                at = b[i] == 'i' ? At.DROP : b[i] == 'e' ? At.EVENT : At.PASS;
                if (at == At.DROP) {
                    out.write(b, run, i - run);
                }
            }
            if (b[i] == '\n') {
                switch (at) {
                    case DROP -> run = i + 1;
                    case EVENT -> {
                        out.write(b, run, i + 1 - run);
                        out.write(channelLine);
                        run = i + 1;
                    }
                    default -> { }
                }
                at = At.LINE_START;
            }
        }
        if (at != At.DROP && run < end) {
            out.write(b, run, end - run);
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}
