package io.quaero.gateway.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.quaero.contracts.sse.Disconnect;
import org.jspecify.annotations.Nullable;

/**
 * What one stream watches — a job, the jobs feed, or the service logs — on this instance: the
 * connections subscribed to it, the events gathered for the next {@link Batch}, and for a job a
 * ring of its recent events. Changed and fed only under its {@link Channels}' lock; its
 * subscriber set is read from anywhere.
 */
public final class Channel {

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final @Nullable Ring ring;
    private final Limits limits;
    private List<Delivery> open = new ArrayList<>();
    private long openBytes;

    /**
     * When a batch is handed out: at the tick, or at once when full.
     *
     * @param maxEvents  events in one batch at most (a full batch does not wait for the tick)
     * @param maxBytes   the same in bytes (as weighed)
     * @param onFirst    called when an event opens an empty batch: a tick is due
     */
    record Limits(int maxEvents, long maxBytes, Runnable onFirst) {
    }

    Channel(@Nullable Ring ring, Limits limits) {
        this.ring = ring;
        this.limits = limits;
    }

    /** Called by the tail, under the lock: into the ring and the open batch (never waits). */
    void deliver(Delivery d) {
        if (ring != null) {
            if (d.logsDeleted()) {
                // An admin deleted the job's lines before it: the ring no longer holds or vouches for them.
                ring.forgetUpTo(d.cursor());
            }
            ring.append(d);
        }
        if (open.isEmpty()) {
            limits.onFirst().run();
        }
        open.add(d);
        openBytes += d.weightBytes();
        if (open.size() >= limits.maxEvents() || openBytes >= limits.maxBytes()) {
            seal();
        }
    }

    /** Hands the open batch, if any, to every subscriber's queue (under the lock, never waits). */
    void seal() {
        if (open.isEmpty()) {
            return;
        }
        var batch = new Batch(this, open, openBytes);
        open = new ArrayList<>();
        openBytes = 0;
        for (Subscriber s : subscribers) {
            s.offer(batch);
        }
    }

    void add(Subscriber s) {
        subscribers.add(s);
    }

    /** @return true when nobody watches any more */
    boolean remove(Subscriber s) {
        subscribers.remove(s);
        return subscribers.isEmpty();
    }

    boolean isEmpty() {
        return subscribers.isEmpty();
    }

    void endAll(Disconnect reason) {
        subscribers.forEach(s -> s.end(reason));
    }

    @Nullable Ring ring() {
        return ring;
    }

    /** The current subscriptions (a snapshot). */
    List<Subscriber> subscribers() {
        return List.copyOf(subscribers);
    }
}
