package io.quaero.gateway.hub;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * What one stream watches — a job, the jobs feed, or the service logs — on this instance: the
 * connections subscribed to it and, for a job, a ring of its recent events. Changed and fed only
 * under its {@link Channels}' lock; read from anywhere.
 */
public final class Channel {

    private final Set<Subscriber<Delivery>> subscribers = ConcurrentHashMap.newKeySet();
    private final @Nullable Ring ring;

    Channel(@Nullable Ring ring) {
        this.ring = ring;
    }

    /** Called by the tail, under the lock: into the ring, then to every subscriber's queue (never waits). */
    void deliver(Delivery d) {
        if (ring != null) {
            ring.append(d);
        }
        for (Subscriber<Delivery> s : subscribers) {
            s.offer(d);
        }
    }

    void add(Subscriber<Delivery> s) {
        subscribers.add(s);
    }

    /** @return true when nobody watches any more */
    boolean remove(Subscriber<Delivery> s) {
        subscribers.remove(s);
        return subscribers.isEmpty();
    }

    boolean isEmpty() {
        return subscribers.isEmpty();
    }

    void endAll(io.quaero.contracts.sse.Disconnect reason) {
        subscribers.forEach(s -> s.end(reason));
    }

    @Nullable Ring ring() {
        return ring;
    }

    /** The current subscriptions (a snapshot). */
    List<Subscriber<Delivery>> subscribers() {
        return List.copyOf(subscribers);
    }
}
