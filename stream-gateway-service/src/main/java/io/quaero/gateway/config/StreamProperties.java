package io.quaero.gateway.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the SSE streams ({@code quaero.stream.*}), validated once at startup.
 *
 * @param batchInterval  how long a connection collects entries before it writes them as one
 *                       {@code logs} event. Default 150 ms.
 * @param pingInterval   silence after which a {@code ping} is sent; it also bounds how long a
 *                       vanished client goes unnoticed. Default 5 s.
 * @param defaultLimit   entries in the initial {@code logs} event when the client gives no
 *                       {@code limit}. Default 100.
 * @param maxLimit       largest {@code limit} accepted, and the largest {@code logs} event sent
 *                       (a bigger batch is split). Default 1000.
 * @param bufferSize     events queued per connection between the Kafka tail and the connection
 *                       loop; when full, the client gets {@code reset} and resumes from its
 *                       cursor. Default 10000.
 * @param bufferBytes    the same bound in bytes (an event's estimated size in memory, see
 *                       {@code tail.Delivery#weightBytes}): a line may be up to
 *                       {@code max-message-bytes}, so a count alone does not bound memory.
 *                       Events are shared by the connections that queue them, so this is an upper
 *                       bound per connection. Default 8MB.
 * @param maxReplay      most entries replayed from history on a resume ({@code since} or
 *                       {@code Last-Event-ID}); further behind, the client gets {@code reset}.
 *                       Default 100000.
 * @param maxConnections streams this instance serves at once; beyond it a new one gets 503 with
 *                       {@code Retry-After} (the balancer or the browser tries again, elsewhere).
 *                       Default 5000.
 * @param maxStreamsPerUser streams one signed-in user may hold open on this instance, of every
 *                       kind; beyond it a new one gets 429 {@code too_many_streams} (field
 *                       {@code user}) with {@code Retry-After}. A browser holds one per origin
 *                       over HTTP/1.1 (the shared connection) plus the jobs feed, or one per open
 *                       job page and panel over HTTP/2: 50 is far above any person's. Per
 *                       instance: with N gateways a user may hold N times this.
 *                       {@code quaero.limits.exempt-users} are not counted. Default 50.
 * @param maxStreamsPerAddress streams one client address may hold open on this instance
 *                       (behind a balancer, the address it names: {@code quaero.limits.trusted-proxies});
 *                       beyond it 429 (field {@code address}). Above the per-user limit, since
 *                       people behind one NAT share an address. Default 200.
 * @param maxChannels    channels one shared connection ({@code /api/streams}) may carry; more is a
 *                       400 naming {@code channels}. The browser library asks for at most 32 (the
 *                       URL carries them). Default 32.
 * @param maxBridgeScan  most Kafka records read to bridge the window between what is stored and
 *                       the live tail (the database lagging behind Kafka); beyond it the client
 *                       gets {@code reset} and retries (by then ingest has usually caught up).
 *                       The job's events in the window are held until sent (~0.5 KB each), so
 *                       100,000 bounds one bridge to ~50 MB. Default 100000.
 * @param ringSize       recent events kept per watched job, to serve the database-lag window to
 *                       later viewers from memory (~0.5 KB each: 256 ≈ 128 KB per watched job;
 *                       0 turns it off). Default 256.
 * @param ringBytes      the same bound in bytes per watched job; the oldest events leave first.
 *                       Default 1MB.
 * @param writeDeadline  longest a write may wait for the client's socket to take it; a client
 *                       that stops reading (a frozen tab, a dead network path without a reset) is
 *                       then closed and its slot and queue freed at once, and resumes from its
 *                       cursor when it comes back. The servlet container's socket write timeout
 *                       (Tomcat's connection timeout, which is also its keep-alive timeout).
 *                       Default 10s.
 * @param partitionAssignTimeout longest a new stream waits for this instance's job-events tail to
 *                       take a partition it does not read yet (the tail reads only the partitions
 *                       its viewers need); past it the stream gets {@code reset} {@code busy} and
 *                       its client retries. Default 10s.
 * @param partitionReleaseAfter how long the job-events tail keeps reading a partition nobody here
 *                       needs any more before it lets go of it (a viewer who comes back within it
 *                       finds the partition tailed). 0 lets go at the next check (about a second).
 *                       Default 60s.
 * @param searchScanRows most lines of a log one page with a search term ({@code q}) reads: a
 *                       page of the initial batch, a fetch, a resume or a download page. A term
 *                       is checked line by line (job_logs has no index of its text since
 *                       issue 16), and counting a common term's matches reads them all; bounding the
 *                       lines, not the term's length, keeps every result reachable: a page whose
 *                       lines ran out before it filled says where it stopped ({@code scanned_to}),
 *                       and the client asks again from there. Sized so that one page stays far
 *                       below the statement timeout ({@code quaero.db.statement-timeout}):
 *                       docs/BENCHMARKS.md ("Search cost"). Default 100000.
 */
@ConfigurationProperties("quaero.stream")
public record StreamProperties(
    @DefaultValue("150ms") Duration batchInterval,
    @DefaultValue("5s") Duration pingInterval,
    @DefaultValue("100") int defaultLimit,
    @DefaultValue("1000") int maxLimit,
    @DefaultValue("10000") int bufferSize,
    @DefaultValue("8MB") DataSize bufferBytes,
    @DefaultValue("100000") int maxReplay,
    @DefaultValue("5000") int maxConnections,
    @DefaultValue("50") int maxStreamsPerUser,
    @DefaultValue("200") int maxStreamsPerAddress,
    @DefaultValue("32") int maxChannels,
    @DefaultValue("100000") int maxBridgeScan,
    @DefaultValue("256") int ringSize,
    @DefaultValue("1MB") DataSize ringBytes,
    @DefaultValue("10s") Duration writeDeadline,
    @DefaultValue("10s") Duration partitionAssignTimeout,
    @DefaultValue("60s") Duration partitionReleaseAfter,
    @DefaultValue("100000") int searchScanRows) {

    public StreamProperties {
        require(!batchInterval.isNegative() && !batchInterval.isZero() && batchInterval.toMillis() <= 10_000,
            "quaero.stream.batch-interval must be within (0, 10s], was " + batchInterval);
        require(pingInterval.compareTo(batchInterval) > 0 && pingInterval.toSeconds() <= 300,
            "quaero.stream.ping-interval must be longer than batch-interval and at most 300s, was " + pingInterval);
        require(maxLimit >= 1 && maxLimit <= 100_000, "quaero.stream.max-limit must be 1..100000, was " + maxLimit);
        require(defaultLimit >= 1 && defaultLimit <= maxLimit,
            "quaero.stream.default-limit must be 1..max-limit (" + maxLimit + "), was " + defaultLimit);
        require(bufferSize >= 16 && bufferSize <= 1_000_000, "quaero.stream.buffer-size must be 16..1000000, was " + bufferSize);
        require(maxReplay >= maxLimit, "quaero.stream.max-replay must be at least max-limit (" + maxLimit + "), was " + maxReplay);
        require(maxConnections >= 1 && maxConnections <= 100_000,
            "quaero.stream.max-connections must be 1..100000, was " + maxConnections);
        require(maxStreamsPerUser >= 1 && maxStreamsPerUser <= 100_000,
            "quaero.stream.max-streams-per-user must be 1..100000, was " + maxStreamsPerUser);
        require(maxStreamsPerAddress >= 1 && maxStreamsPerAddress <= 100_000,
            "quaero.stream.max-streams-per-address must be 1..100000, was " + maxStreamsPerAddress);
        require(maxChannels >= 1 && maxChannels <= 1_000, "quaero.stream.max-channels must be 1..1000, was " + maxChannels);
        require(bufferBytes.toBytes() >= 64 * 1024 && bufferBytes.toBytes() <= 1L << 30,
            "quaero.stream.buffer-bytes must be 64KB..1GB, was " + bufferBytes);
        require(ringBytes.toBytes() >= 0 && ringBytes.toBytes() <= 1L << 30,
            "quaero.stream.ring-bytes must be 0..1GB, was " + ringBytes);
        require(ringSize >= 0 && ringSize <= 100_000, "quaero.stream.ring-size must be 0..100000, was " + ringSize);
        require(writeDeadline.toMillis() >= 100 && writeDeadline.toMinutes() <= 5,
            "quaero.stream.write-deadline must be within [100ms, 5m], was " + writeDeadline);
        require(partitionAssignTimeout.toMillis() >= 100 && partitionAssignTimeout.toSeconds() <= 60,
            "quaero.stream.partition-assign-timeout must be within [100ms, 60s], was " + partitionAssignTimeout);
        require(!partitionReleaseAfter.isNegative() && partitionReleaseAfter.toHours() < 24,
            "quaero.stream.partition-release-after must be within [0, 24h), was " + partitionReleaseAfter);
        require(maxBridgeScan >= 1_000, "quaero.stream.max-bridge-scan must be at least 1000, was " + maxBridgeScan);
        require(searchScanRows >= maxLimit && searchScanRows <= 10_000_000,
            "quaero.stream.search-scan-rows must be max-limit (" + maxLimit + ")..10000000, was " + searchScanRows);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
