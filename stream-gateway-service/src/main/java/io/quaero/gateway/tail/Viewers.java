package io.quaero.gateway.tail;

import io.quaero.contracts.sse.Disconnect;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.gateway.config.StreamProperties;
import org.springframework.stereotype.Component;

/**
 * Which connections on this instance watch which job, keyed by the Kafka record key
 * ({@link Topics#jobKey}) so the tail can drop events nobody here watches before decoding them.
 */
@Component
public class Viewers {

    private final ConcurrentHashMap<String, Watch> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final int bufferSize;
    private final long bufferBytes;
    private final long ringBytes;
    private final int maxConnections;
    private final int ringSize;
    private final int maxBatch;
    private volatile boolean closed;
    /**
     * Cursors of events storage refused after the tail passed them, the newest
     * {@value #REJECTED_REMEMBERED} (~100 B each), needed only for the seconds until ingest records its
     * progress past them. Read by every connection for every event, written only by the dead-letter
     * tail, and rarely: an immutable set replaced on write, so a read takes no lock.
     */
    private volatile Set<Cursor> recentlyRejected = Set.of();

    /** Refused events remembered at most. */
    static final int REJECTED_REMEMBERED = 1_024;

    Viewers(StreamProperties props) {
        this.bufferSize = props.bufferSize();
        this.bufferBytes = props.bufferBytes().toBytes();
        this.ringBytes = props.ringBytes().toBytes();
        this.maxConnections = props.maxConnections();
        this.ringSize = props.ringSize();
        this.maxBatch = props.maxLimit();
    }

    /**
     * Registers a connection for a job's live events; call before reading its history.
     *
     * @throws TooManyConnectionsException when this instance already serves {@code max-connections}
     */
    public Subscriber<Delivery> subscribe(UUID jobId) {
        acquireConnection();
        var subscriber = new Subscriber<Delivery>(Topics.jobKey(jobId), bufferSize, bufferBytes, Delivery::weightBytes, maxBatch);
        byKey.compute(subscriber.key(), (k, w) -> {
            Watch watch = w == null ? new Watch(ringSize, ringBytes) : w;
            watch.subscribers.add(subscriber);
            return watch;
        });
        // Pairs with the fence in KafkaTail before each dispatch; see KafkaTail.dispatchedUpTo.
        VarHandle.fullFence();
        if (closed) {
            subscriber.end(Disconnect.SHUTDOWN);
        }
        return subscriber;
    }

    public void unsubscribe(Subscriber<Delivery> subscriber) {
        byKey.computeIfPresent(subscriber.key(), (k, watch) -> {
            watch.subscribers.remove(subscriber);
            return watch.subscribers.isEmpty() ? null : watch;
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

    /** True when someone here watches the job with this record key. */
    boolean anyWatching(String key) {
        return key != null && byKey.containsKey(key);
    }

    /**
     * Storage refused the job's event at {@code cursor} after the live tail passed it: remembered
     * (so no later viewer numbers it), taken out of the job's ring, and every viewer of the job
     * is ended with {@link Disconnect#RECORD_REJECTED} to start over from stored history.
     */
    void rejected(String key, Cursor cursor) {
        var next = new LinkedHashSet<>(recentlyRejected);
        next.add(cursor);
        for (var it = next.iterator(); next.size() > REJECTED_REMEMBERED; ) {
            it.next();
            it.remove();
        }
        recentlyRejected = Collections.unmodifiableSet(next);
        Watch w = byKey.get(key);
        if (w != null) {
            w.forget(cursor);
            w.subscribers.forEach(s -> s.end(Disconnect.RECORD_REJECTED));
        }
    }

    /** True when storage refused the event at {@code cursor} (recently: the memory is bounded). */
    public boolean wasRejected(Cursor cursor) {
        Set<Cursor> rejected = recentlyRejected;
        return !rejected.isEmpty() && rejected.contains(cursor);
    }

    /** The watch of the job with this record key, or null if nobody here watches it. */
    Watch watching(String key) {
        return key == null ? null : byKey.get(key);
    }

    /**
     * A subscriber of the job read the tail at {@code dispatchedUpTo} of the job's {@code
     * partition} after registering: every later event there is in the job's ring.
     */
    public void ringCovers(Subscriber<Delivery> subscriber, int partition, long dispatchedUpTo) {
        Watch w = byKey.get(subscriber.key());
        if (w != null) {
            w.coverFrom(partition, dispatchedUpTo + 1);
        }
    }

    /** The job's events {@code from..to} of {@code partition} from memory, or null when the ring cannot vouch for them all. */
    public List<Delivery> recent(String key, int partition, long from, long to) {
        Watch w = byKey.get(key);
        return w == null ? null : w.slice(partition, from, to);
    }

    /** The job's current subscriptions on this instance (a snapshot), e.g. to read their wake-up counts. */
    public List<Subscriber<Delivery>> subscribers(UUID jobId) {
        Watch w = byKey.get(Topics.jobKey(jobId));
        return w == null ? List.of() : List.copyOf(w.subscribers);
    }

    public int connectionCount() {
        return connections.get();
    }

    /** Accepts subscriptions (again, after a shutdown that was followed by a start). */
    void open() {
        closed = false;
    }

    /** Ends every subscription with {@code reason}; after {@link Disconnect#SHUTDOWN}, every later one too (until {@link #open}). */
    void endAll(Disconnect reason) {
        if (reason == Disconnect.SHUTDOWN) {
            closed = true;
        }
        byKey.values().forEach(w -> w.subscribers.forEach(s -> s.end(reason)));
    }
}
