package io.quaero.gateway.sse;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import io.quaero.access.Standing;
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
 * it; ping after {@code ping-interval} of silence; leave when the subscription ends, or when the
 * credential the stream was opened with lapses. Every exit is a {@link Disconnect}.
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

    /** A renewable session's stream ends this long before the session would, so the reconnect still renews it. */
    static final Duration RENEW_MARGIN = Duration.ofSeconds(30);

    /**
     * @param standing the credential the stream was opened with: when it is about to end the stream
     *                 ends with {@link Disconnect#SESSION_RENEW} (renewable) or, at its end,
     *                 {@link Disconnect#SIGNED_OUT}; it is asked again at every ping whether it
     *                 still holds (sign-out, revocation)
     */
    public static Disconnect run(Subscriber subscriber, Sink sink, SseWriter out, StreamProperties props, Standing standing)
        throws IOException, InterruptedException {
        long pingNanos = props.pingInterval().toNanos();
        long nextPing = System.nanoTime() + pingNanos;
        long lapse = lapseNanos(standing);
        while (true) {
            Batch batch = subscriber.poll(Math.min(nextPing, lapse) - System.nanoTime());
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
            if (System.nanoTime() >= lapse) {
                return sink.reset(standing.renewable() ? Disconnect.SESSION_RENEW : Disconnect.SIGNED_OUT);
            }
            if (System.nanoTime() >= nextPing) {
                if (!standing.holds().getAsBoolean()) {
                    return sink.reset(Disconnect.SIGNED_OUT);
                }
                out.event(SseEvents.PING, null, new PingPayload(Instant.now()));
                nextPing = System.nanoTime() + pingNanos;
            }
        }
    }

    /** {@link System#nanoTime} when the stream's credential lapses (a renewable one: {@link #RENEW_MARGIN} before). */
    private static long lapseNanos(Standing standing) {
        if (standing.endsAt() == null) {
            return Long.MAX_VALUE;
        }
        Duration left = Duration.between(Instant.now(), standing.endsAt());
        if (standing.renewable()) {
            left = left.minus(RENEW_MARGIN);
        }
        // Far enough off not to overflow: a lapse beyond a day is re-judged on the next stream.
        long nanos = Math.min(Math.max(left.toNanos(), 0), Duration.ofDays(1).toNanos());
        return System.nanoTime() + nanos;
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
