package io.quaero.gateway.sse;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import io.quaero.contracts.sse.PingPayload;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.hub.Subscriber;

/**
 * The live part of every stream (job, service, jobs feed): the seed's Go {@code select} loop on a virtual
 * thread. Wait on the connection's one bounded queue until the nearer of the next batch flush
 * and the next ping; hand each event to the {@link Sink}; flush the sink's batch when the batch
 * interval is up (or the batch is full); ping after {@code ping-interval} of silence; leave when
 * the subscription ends. Every exit is a {@link Disconnect}.
 */
public final class StreamLoop {

    /** What a stream does with its events; the loop decides when. */
    public interface Sink<E> {

        /** Takes one event; returns true when it wrote an event itself (a status), which counts as activity. */
        boolean accept(E event) throws IOException;

        /** Entries waiting for the next flush. */
        int pending();

        /** Writes the waiting entries as one event. */
        void flush() throws IOException;

        /** Sends {@code reset} for {@code reason} (with the cursor to resume from, unless it starts over) and returns it. */
        Disconnect reset(Disconnect reason) throws IOException;
    }

    private StreamLoop() {
    }

    public static <E> Disconnect run(Subscriber<E> subscriber, Sink<E> sink, SseWriter out, StreamProperties props)
        throws IOException, InterruptedException {
        long batchNanos = props.batchInterval().toNanos();
        long pingNanos = props.pingInterval().toNanos();
        int maxBatch = props.maxLimit();
        long nextPing = System.nanoTime() + pingNanos;
        long flushAt = Long.MAX_VALUE;
        while (true) {
            E event;
            if (sink.pending() > 0) {
                // A flush is due anyway: let events gather until then instead of waking this
                // thread for each one (a wake-up per event per connection was a large share of
                // the gateway's CPU). A full batch queued wakes it early; a status change waits
                // at most one batch interval.
                subscriber.awaitBatch(flushAt);
                event = subscriber.poll(0);
            } else {
                event = subscriber.poll(Math.min(flushAt, nextPing) - System.nanoTime());
            }
            subscriber.wokeUp();
            while (event != null) {
                boolean wasEmpty = sink.pending() == 0;
                if (sink.accept(event)) {
                    nextPing = System.nanoTime() + pingNanos;
                }
                if (wasEmpty && sink.pending() > 0) {
                    flushAt = System.nanoTime() + batchNanos;
                }
                // Drain what is already queued without waiting, up to one full batch.
                event = sink.pending() < maxBatch ? subscriber.poll(0) : null;
            }
            Disconnect ending = subscriber.ending();
            if (ending != null) {
                sink.flush();
                return ending.notice() == Disconnect.Notice.RESET ? sink.reset(ending) : goAway(out);
            }
            long now = System.nanoTime();
            if (sink.pending() > 0 && (now >= flushAt || sink.pending() >= maxBatch)) {
                sink.flush();
                nextPing = now + pingNanos;
            }
            if (sink.pending() == 0) {
                // Nothing waits, so no flush is due. accept() may have emptied the batch itself (a
                // status writes the logs before it first): a flush deadline left from that batch
                // would lie in the past and make every poll above return at once, a loop spinning
                // on a whole core for as long as the stream stays open (issue 10).
                flushAt = Long.MAX_VALUE;
            }
            if (now >= nextPing) {
                out.event(SseEvents.PING, null, new PingPayload(Instant.now()));
                nextPing = now + pingNanos;
            }
        }
    }

    /**
     * Shutdown: ask the browser to come back after a random 1-5 s, so the clients of a stopping
     * instance spread over the others instead of arriving all at once.
     */
    private static Disconnect goAway(SseWriter out) throws IOException {
        out.retry(Duration.ofMillis(1_000 + ThreadLocalRandom.current().nextLong(4_000)));
        return Disconnect.SHUTDOWN;
    }
}
