package io.quaero.gateway.sse;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.PingPayload;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.hub.Batch;
import io.quaero.gateway.hub.Subscriber;

/**
 * The live part of every stream (job, service, jobs feed): the seed's Go {@code select} loop on a
 * virtual thread. Wait on the connection's one bounded queue until the next {@link Batch} (one
 * per tick while the channel is busy) or the next ping; hand it to the {@link Sink}, which writes
 * it; ping after {@code ping-interval} of silence; leave when the subscription ends. Every exit is
 * a {@link Disconnect}.
 */
public final class StreamLoop {

    /** What a stream does with its batches; the loop decides when. */
    public interface Sink {

        /** Writes what the batch holds for this stream; returns true when it wrote anything. */
        boolean accept(Batch batch) throws IOException;

        /** Sends {@code reset} for {@code reason} (with the cursor to resume from, unless it starts over) and returns it. */
        Disconnect reset(Disconnect reason) throws IOException;
    }

    private StreamLoop() {
    }

    public static Disconnect run(Subscriber subscriber, Sink sink, SseWriter out, StreamProperties props)
        throws IOException, InterruptedException {
        long pingNanos = props.pingInterval().toNanos();
        long nextPing = System.nanoTime() + pingNanos;
        while (true) {
            Batch batch = subscriber.poll(nextPing - System.nanoTime());
            // What is already queued goes out now, without waiting: after a stall, the backlog
            // leaves in one pass, up to about one full event.
            for (int taken = 0; batch != null; batch = taken < props.maxLimit() ? subscriber.poll(0) : null) {
                taken += batch.size();
                if (sink.accept(batch)) {
                    nextPing = System.nanoTime() + pingNanos;
                }
            }
            Disconnect ending = subscriber.ending();
            if (ending != null) {
                return ending.notice() == Disconnect.Notice.RESET ? sink.reset(ending) : goAway(out);
            }
            if (System.nanoTime() >= nextPing) {
                out.event(SseEvents.PING, null, new PingPayload(Instant.now()));
                nextPing = System.nanoTime() + pingNanos;
            }
        }
    }

    /**
     * Shutdown: ask the browser to come back after a random 1-5 s, so the clients of a stopping
     * instance spread over the others instead of arriving all at once.
     */
    private static Disconnect goAway(SseWriter out) throws IOException {
        Disconnect shutdown = Disconnect.SHUTDOWN;
        long spread = shutdown.maxDelay().toMillis() - shutdown.minDelay().toMillis();
        out.retry(Duration.ofMillis(shutdown.minDelay().toMillis() + ThreadLocalRandom.current().nextLong(spread + 1)));
        return shutdown;
    }
}
