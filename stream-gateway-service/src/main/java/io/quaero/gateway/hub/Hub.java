package io.quaero.gateway.hub;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.quaero.access.limits.Client;
import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.history.LogPages;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Every stream this instance serves subscribes here: a job's channel, the jobs feed, or the
 * service logs. The hub owns the channels of the tailed topics ({@link Channels}: the hand-over
 * lock), who may open a stream ({@link Admission}: {@code max-connections}, shared by all
 * streams, and the per-user and per-address budgets), each connection's bounded queue, the jobs' rings, and what storage refused after the tail passed it.
 */
@Component
public class Hub {

    /** Refused events remembered at most. */
    static final int REJECTED_REMEMBERED = 1_024;

    private final Channels jobEvents;
    private final Channels jobStatus;
    private final Channels serviceLogs;
    private final Admission admission;
    private final StreamProperties props;
    /** Set when an event opened a batch somewhere: a tick is due. */
    private final AtomicBoolean batchOpen = new AtomicBoolean();
    private volatile @Nullable Thread ticker;
    /**
     * Cursors of events storage refused after the tail passed them, the newest
     * {@value #REJECTED_REMEMBERED} (~100 B each), needed only for the seconds until ingest records its
     * progress past them. Read by every connection for every event, written only by the dead-letter
     * tail, and rarely: an immutable set replaced on write, so a read takes no lock.
     */
    private volatile Set<Cursor> recentlyRejected = Set.of();

    Hub(StreamProperties props) {
        this.props = props;
        this.admission = new Admission(props.maxConnections(), props.maxStreamsPerUser(), props.maxStreamsPerAddress());
        // A batch is handed out at the tick, or at once when it holds a whole logs event.
        var limits = new Channel.Limits(props.maxLimit(), LogPages.MAX_PAGE_BYTES, this::batchOpened);
        // The job events are read per partition on demand: a gateway reads what its viewers need.
        this.jobEvents = Channels.onDemand(limits, props.partitionAssignTimeout(), props.partitionReleaseAfter());
        // The status topic is small: every partition stays read, like the service logs.
        this.jobStatus = new Channels(limits);
        this.serviceLogs = new Channels(limits);
    }

    /**
     * One connection's place in a channel: its queue, the channel (and its key: null for the
     * all-records channels), the partition it needs the tail to read ({@code partition}; -1:
     * every one), and where the tail was when it registered ({@code liveFrom}, per partition):
     * everything after arrives in the queue, everything up to it is history;
     * {@link Channels#NOT_TAILED} where the tail does not read (see {@link #tails}).
     */
    public record Subscription(Subscriber subscriber, Channels channels, @Nullable String key, int partition,
                               Channel channel, long[] liveFrom) {

        /** True when the tail read {@code partition} when this subscription registered: its {@code liveFrom} is a position. */
        public boolean tails(int partition) {
            return partition < liveFrom.length && liveFrom[partition] != Channels.NOT_TAILED;
        }
    }

    /**
     * Subscribes to a job's events; call before reading its history. Returns once this instance's
     * tail reads the job's partition (at most {@code partition-assign-timeout}; past it the
     * subscription is ended {@code busy}).
     *
     * @param partition the job's partition (its cursor's, or its recorded one), or null when it has
     *                  none yet: then every partition, as its first event may land in any
     * @throws TooManyConnectionsException when {@link Admission} refuses {@code client} a stream
     */
    public Subscription subscribeJob(Client client, UUID jobId, @Nullable Integer partition) throws InterruptedException {
        return subscribe(client, jobEvents, Topics.jobKey(jobId), need(partition));
    }

    /**
     * Subscribes to every job's status changes (the jobs feed): the status topic's all-records
     * channel. No partition of the job events is needed for it.
     */
    public Subscription subscribeFeed(Client client) throws InterruptedException {
        return subscribe(client, jobStatus, null, PartitionDemand.EVERY_PARTITION);
    }

    /** Subscribes to the service logs. */
    public Subscription subscribeServiceLogs(Client client) throws InterruptedException {
        return subscribe(client, serviceLogs, null, PartitionDemand.EVERY_PARTITION);
    }

    private Subscription subscribe(Client client, Channels channels, @Nullable String key, int partition)
        throws InterruptedException {
        Subscriber subscriber = connect(client);
        try {
            return join(subscriber, channels, key, partition);
        } catch (InterruptedException | RuntimeException e) {
            disconnect(subscriber);
            throw e;
        }
    }

    private static int need(@Nullable Integer partition) {
        return partition == null ? PartitionDemand.EVERY_PARTITION : partition;
    }

    /**
     * Takes a slot for a connection of {@code client} ({@link Admission}) and makes its queue; the
     * connection then joins one channel or several, and gives the slot back with
     * {@link #disconnect} however it ends.
     *
     * @throws TooManyConnectionsException when the instance, the client's user or its address has no slot left
     */
    public Subscriber connect(Client client) {
        Admission.Ticket ticket = admission.admit(client);
        return new Subscriber(props.bufferSize(), props.bufferBytes().toBytes(), ticket);
    }

    /** Adds a job's channel to a connection's subscriptions (as {@link #subscribeJob}). */
    public Subscription joinJob(Subscriber subscriber, UUID jobId, @Nullable Integer partition) throws InterruptedException {
        return join(subscriber, jobEvents, Topics.jobKey(jobId), need(partition));
    }

    /** Adds the service logs to a connection's subscriptions. */
    public Subscription joinServiceLogs(Subscriber subscriber) throws InterruptedException {
        return join(subscriber, serviceLogs, null, PartitionDemand.EVERY_PARTITION);
    }

    private Subscription join(Subscriber subscriber, Channels channels, @Nullable String key, int partition)
        throws InterruptedException {
        // The ring's partition is the first registration's: it holds the job's events from the
        // channel's first instant (none while the job has no partition yet: every one is needed).
        int ringPartition = partition == PartitionDemand.EVERY_PARTITION ? Ring.NO_PARTITION : partition;
        var r = channels.register(key, subscriber, () -> new Ring(ringPartition, props.ringSize(), props.ringBytes().toBytes()),
            partition);
        return new Subscription(subscriber, channels, key, partition, r.channel(), r.liveFrom());
    }

    /** Takes one channel out of a connection's subscriptions. */
    public void leave(Subscription s) {
        s.channels().unregister(s.key(), s.subscriber(), s.partition());
    }

    /** Gives a connection's slot back (after it left its channels); a second call does nothing. */
    public void disconnect(Subscriber subscriber) {
        subscriber.release();
    }

    /** Ends a one-channel connection: leaves its channel and gives its slot back. */
    public void unsubscribe(Subscription s) {
        leave(s);
        disconnect(s.subscriber());
    }

    private void batchOpened() {
        if (!batchOpen.getAndSet(true)) {
            Thread t = ticker;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Called by the {@link Ticker}: parks until some channel has an open batch (or {@code stop} says). */
    void awaitOpenBatch(BooleanSupplier stop) {
        ticker = Thread.currentThread();
        while (!batchOpen.get() && !stop.getAsBoolean()) {
            LockSupport.park(this);
        }
    }

    /** The tick: every channel hands out the batch it gathered. */
    void tick() {
        // Cleared first: an event that opens a batch after this asks for the next tick, even if
        // this one already takes it along (then that tick finds nothing, which costs nothing).
        batchOpen.set(false);
        jobEvents.tick();
        jobStatus.tick();
        serviceLogs.tick();
    }

    /** The channels the job-events tail feeds. */
    Channels jobEvents() {
        return jobEvents;
    }

    /** The channels the job-status tail feeds: the jobs feed's. */
    Channels jobStatus() {
        return jobStatus;
    }

    /** The channels the service-logs tail feeds. */
    Channels serviceLogs() {
        return serviceLogs;
    }

    /**
     * The subscription read the tail at {@code liveFrom} of the job's {@code partition} after
     * registering: every later event there is in the job's ring. Only from a subscription that
     * keeps that partition read (it needs it, or every one) and that read a position there: another
     * could see it released meanwhile, and the ring would then vouch for events it missed.
     */
    public void ringCovers(Subscription s, int partition) {
        Ring ring = ring(s.key());
        boolean keepsItRead = s.partition() == PartitionDemand.EVERY_PARTITION || s.partition() == partition;
        if (ring != null && keepsItRead && s.tails(partition)) {
            ring.coverFrom(partition, s.liveFrom()[partition] + 1);
        }
    }

    /** The job's events {@code from..to} of {@code partition} from memory, or null when the ring cannot vouch for them all. */
    public @Nullable List<Delivery> recent(String key, int partition, long from, long to) {
        Ring ring = ring(key);
        return ring == null ? null : ring.slice(partition, from, to);
    }

    private @Nullable Ring ring(@Nullable String key) {
        Channel c = jobEvents.channel(key);
        return c == null ? null : c.ring();
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
        Channel c = jobEvents.channel(key);
        if (c != null) {
            c.ring().forget(cursor);
            c.endAll(Disconnect.RECORD_REJECTED);
        }
    }

    /** True when storage refused the event at {@code cursor} (recently: the memory is bounded). */
    public boolean wasRejected(Cursor cursor) {
        Set<Cursor> rejected = recentlyRejected;
        return !rejected.isEmpty() && rejected.contains(cursor);
    }

    /** True when someone here watches the job with this record key. */
    boolean watching(@Nullable String key) {
        return jobEvents.channel(key) != null;
    }

    /** The job's current subscriptions on this instance (a snapshot), e.g. to read their wake-up counts. */
    public List<Subscriber> subscribers(UUID jobId) {
        Channel c = jobEvents.channel(Topics.jobKey(jobId));
        return c == null ? List.of() : c.subscribers();
    }

    /** Feed connections open on this instance. */
    public int feedCount() {
        return jobStatus.all().subscribers().size();
    }

    /** Streams of every kind open on this instance. */
    public int connectionCount() {
        return admission.open();
    }

    /** Who holds this instance's stream slots: the per-user and per-address counts (tests read them). */
    public Admission admission() {
        return admission;
    }
}
