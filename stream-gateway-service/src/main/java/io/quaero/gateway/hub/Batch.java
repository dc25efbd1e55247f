package io.quaero.gateway.hub;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The events one channel received between two ticks of the {@link Ticker}, handed to every
 * subscriber of the channel as one queue item: the connections of a channel flush on the same
 * tick, with the same events.
 *
 * <p>So what a connection writes for a batch is a function of the batch and of the connection's
 * state before it; connections in the same state (same filter, same place in the log, same
 * counts — every live viewer of a job with the same filter) write the same bytes. The first one
 * computes them, the others copy them ({@link #prepared}), as Centrifuge prepares one payload per
 * publication: CPU per delivered entry no longer grows with the number of flushes.
 */
public final class Batch {

    /** Distinct states a batch keeps prepared output for; another one computes its own, uncached. */
    static final int MAX_PREPARED = 4;
    /** A batch heavier than this (bytes, as weighed) keeps nothing prepared: it would be held as long as the slowest queue holds the batch. */
    static final long MAX_PREPARED_WEIGHT = 1 << 20;

    private final @Nullable Channel channel;
    private final List<Delivery> deliveries;
    private final long weightBytes;
    private final boolean hasStatus;
    private final Map<Object, Object> prepared = new ConcurrentHashMap<>();

    public Batch(@Nullable Channel channel, List<Delivery> deliveries, long weightBytes) {
        this.channel = channel;
        this.deliveries = List.copyOf(deliveries);
        this.weightBytes = weightBytes;
        this.hasStatus = deliveries.stream().anyMatch(Delivery::changesStream);
    }

    /** The channel that gathered this batch (a connection may watch several). */
    public @Nullable Channel channel() {
        return channel;
    }

    public List<Delivery> deliveries() {
        return deliveries;
    }

    public int size() {
        return deliveries.size();
    }

    /** What the batch holds in memory, roughly ({@link Delivery#weightBytes}, summed). */
    public long weightBytes() {
        return weightBytes;
    }

    /**
     * True when the batch holds a status change, a declared mask or a deletion's mark: its output
     * depends on more than a connection's position, so each connection writes it event by event.
     */
    public boolean hasStatus() {
        return hasStatus;
    }

    /** States this batch keeps prepared output for (each computed once, by the first connection in it). */
    public int preparedStates() {
        return prepared.size();
    }

    /**
     * The output for connections in state {@code key}, computed once by the first of them. The
     * key must determine the output entirely. Bounded: beyond {@link #MAX_PREPARED} states, or
     * for a heavy batch, the output is computed and not kept.
     */
    @SuppressWarnings("unchecked")
    public <K, V> V prepared(K key, Function<K, V> compute) {
        Object done = prepared.get(key);
        if (done != null) {
            return (V) done;
        }
        V value = compute.apply(key);
        if (weightBytes <= MAX_PREPARED_WEIGHT && prepared.size() < MAX_PREPARED) {
            // Two connections may race to compute the same key: both get the same bytes.
            prepared.putIfAbsent(key, value);
        }
        return value;
    }
}
