package io.quaero.gateway.tail;

import io.quaero.contracts.sse.Disconnect;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.quaero.gateway.config.StreamProperties;
import org.springframework.stereotype.Component;

/**
 * The connections on this instance that want every job's status changes (the jobs feed, for the
 * jobs list page). While there are none, the tail does not look at a record for them at all, so an
 * unwatched feed costs nothing; while there are some, {@link JobEventTail} decodes each record that
 * may be a status event ({@link StatusPrefilter}) once and offers the same {@link Delivery} to
 * every feed connection's bounded queue, never waiting on one: a full queue ends that connection
 * with {@link Disconnect#OVERFLOW}.
 *
 * <p>A feed connection counts against the instance's {@code max-connections} like any stream.
 */
@Component
public class StatusWatchers {

    private final Set<Subscriber<Delivery>> subscribers = ConcurrentHashMap.newKeySet();
    private final Viewers viewers;
    private final int bufferSize;
    private final long bufferBytes;
    private final int maxBatch;
    private volatile boolean closed;

    StatusWatchers(Viewers viewers, StreamProperties props) {
        this.viewers = viewers;
        this.bufferSize = props.bufferSize();
        this.bufferBytes = props.bufferBytes().toBytes();
        this.maxBatch = props.maxLimit();
    }

    /**
     * Registers a feed connection: from now on it gets every status event the tail dispatches.
     *
     * @throws TooManyConnectionsException when this instance already serves {@code max-connections}
     */
    public Subscriber<Delivery> subscribe() {
        viewers.acquireConnection();
        var subscriber = new Subscriber<Delivery>(null, bufferSize, bufferBytes, Delivery::weightBytes, maxBatch);
        subscribers.add(subscriber);
        // Pairs with the fence in KafkaTail before each dispatch: a record the tail passes after
        // this point reaches the subscriber; one at or below dispatchedUpTo read after it may not.
        KafkaTail.fenceAfterSubscribing();
        if (closed) {
            subscriber.end(Disconnect.SHUTDOWN);
        }
        return subscriber;
    }

    public void unsubscribe(Subscriber<Delivery> subscriber) {
        if (subscribers.remove(subscriber)) {
            viewers.releaseConnection();
        }
    }

    /** Feed connections open on this instance. */
    public int count() {
        return subscribers.size();
    }

    /** True while anyone here watches the feed; asked by the tail for every record. */
    boolean any() {
        return !subscribers.isEmpty();
    }

    /** Called by the tail thread with a status event; never blocks. */
    void offer(Delivery status) {
        for (Subscriber<Delivery> s : subscribers) {
            s.offer(status);
        }
    }

    /** Accepts feed connections (again, after a shutdown that was followed by a start). */
    void open() {
        closed = false;
    }

    /** Ends every feed connection with {@code reason}; after {@link Disconnect#SHUTDOWN}, every later one too (until {@link #open}). */
    void endAll(Disconnect reason) {
        if (reason == Disconnect.SHUTDOWN) {
            closed = true;
        }
        subscribers.forEach(s -> s.end(reason));
    }
}
