package io.quaero.gateway.tail;

import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.quaero.contracts.Topics;
import io.quaero.gateway.config.StreamProperties;
import org.springframework.stereotype.Component;

/**
 * Which connections on this instance watch which job, keyed by the Kafka record key
 * ({@link Topics#jobKey}) so the tail can drop events nobody here watches before decoding them.
 */
@Component
public class Viewers {

    private final ConcurrentHashMap<String, Set<Subscriber<Delivery>>> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final int bufferSize;
    private final int maxConnections;
    private volatile boolean closed;

    Viewers(StreamProperties props) {
        this.bufferSize = props.bufferSize();
        this.maxConnections = props.maxConnections();
    }

    /**
     * Registers a connection for a job's live events; call before reading its history.
     *
     * @throws TooManyConnectionsException when this instance already serves {@code max-connections}
     */
    public Subscriber<Delivery> subscribe(UUID jobId) {
        acquireConnection();
        var subscriber = new Subscriber<Delivery>(Topics.jobKey(jobId), bufferSize);
        byKey.computeIfAbsent(subscriber.key(), k -> ConcurrentHashMap.newKeySet()).add(subscriber);
        // Pairs with the fence in KafkaTail before each dispatch; see KafkaTail.dispatchedUpTo.
        VarHandle.fullFence();
        if (closed) {
            subscriber.end(Disconnect.SHUTDOWN);
        }
        return subscriber;
    }

    public void unsubscribe(Subscriber<Delivery> subscriber) {
        byKey.computeIfPresent(subscriber.key(), (k, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
        releaseConnection();
    }

    /**
     * Takes one of this instance's {@code max-connections} stream slots (job and service streams
     * share them).
     *
     * @throws TooManyConnectionsException when none is left
     */
    public void acquireConnection() {
        if (connections.incrementAndGet() > maxConnections) {
            connections.decrementAndGet();
            throw new TooManyConnectionsException(maxConnections);
        }
    }

    public void releaseConnection() {
        connections.decrementAndGet();
    }

    /** The connections watching the job with this record key, or null if none. */
    Set<Subscriber<Delivery>> watching(String key) {
        return key == null ? null : byKey.get(key);
    }

    public int connectionCount() {
        return connections.get();
    }

    /** Ends every subscription (now and later) with {@link Disconnect#SHUTDOWN}. */
    void closeAll() {
        closed = true;
        byKey.values().forEach(set -> set.forEach(s -> s.end(Disconnect.SHUTDOWN)));
    }
}
