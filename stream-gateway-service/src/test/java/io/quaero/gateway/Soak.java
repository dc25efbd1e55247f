package io.quaero.gateway;

import io.quaero.access.TestCallers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/** Many clients visiting a stream, a bounded number at a time, for the leak tests. */
final class Soak {

    /** One client's visit of a given kind; false when what it saw is not a working stream. */
    interface Visit<K> {
        boolean visit(K kind) throws Exception;
    }

    private Soak() {
    }

    /**
     * Runs {@code count} visits, {@code atOnce} at a time, the i-th of kind {@code kindOf(i)}.
     *
     * @return how many visits of each kind failed (a kind is absent when none did)
     */
    static <K> Map<K, Integer> run(int count, int atOnce, IntFunction<K> kindOf, Visit<K> visit) throws InterruptedException {
        Map<K, Integer> failures = new ConcurrentHashMap<>();
        var slots = new Semaphore(atOnce);
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                K kind = kindOf.apply(i);
                slots.acquire();
                clients.submit(() -> {
                    try {
                        if (!visit.visit(kind)) {
                            failures.merge(kind, 1, Integer::sum);
                        }
                    } catch (Exception e) {
                        failures.merge(kind, 1, Integer::sum);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        return failures;
    }

    /** A client that sends its request and is gone (RST) before any response, like a crash. */
    static void leaveBeforeTheResponse(int port, String path) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestCallers.ADMIN_TOKEN + "\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // Linger 0: close sends RST, as a client that crashes or loses its network.
            socket.setSoLinger(true, 0);
        }
    }
}
