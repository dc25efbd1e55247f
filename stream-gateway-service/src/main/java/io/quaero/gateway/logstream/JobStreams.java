package io.quaero.gateway.logstream;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.api.JobNotFoundException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.history.JobHistory;
import io.quaero.gateway.history.JobSnapshot;
import io.quaero.gateway.history.LogPages;
import io.quaero.gateway.hub.Channels;
import io.quaero.gateway.hub.Delivery;
import io.quaero.gateway.hub.Hub;
import io.quaero.gateway.hub.KafkaBridge;
import io.quaero.masking.PatternHistory;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * How a job's log stream starts, wherever it is served (its own response, or a channel of a
 * browser's one connection): the snapshot read after subscribing, the resume pages, and the
 * bridge between what is stored and where the live tail was when the connection subscribed.
 */
@Component
record JobStreams(Hub hub, KafkaBridge kafkaBridge, JobHistory history, LogPages pages, StreamProperties props,
                  PatternHistory patterns) {

    /**
     * The partition job {@code id}'s stream needs this instance's tail to read, known before
     * subscribing: the resume cursor's (a cursor from another partition than the job's gets its
     * reset from the snapshot), else the recorded one, else null: the job has none yet and its first
     * event may land in any, so every partition is needed while it streams.
     *
     * @throws JobNotFoundException when there is no such job, or the caller may not see it
     */
    @Nullable Integer partition(UUID id, LogQuery request) {
        Integer recorded = history.visible(id).partition();
        return request.since() != null ? Integer.valueOf(request.since().partition()) : recorded;
    }

    /**
     * Reads where job {@code id}'s stream starts; call after subscribing to it.
     *
     * @throws JobNotFoundException when there is no such job
     */
    Opening open(UUID id, LogQuery request, Hub.Subscription subscription) {
        int firstPage = request.since() == null ? request.limit() : props.maxLimit();
        JobSnapshot snapshot = history.snapshot(id, request.filter(), request.since(), firstPage)
            .orElseThrow(() -> new JobNotFoundException(id));
        if (snapshot.partition() != null) {
            hub.ringCovers(subscription, snapshot.partition());
        }
        var source = new JobSource(snapshot.job(), snapshot.steps(), snapshot.statusTimes(), hub::wasRejected, snapshot.masks(),
            patterns::live);
        // A fresh stream's first page reads back from the newest line: where its search stopped is the
        // client's to page back from. A resume reads forwards, and its pager goes on from there itself.
        var start = new LogSession.Start(snapshot.partition(), snapshot.storedUpTo(), snapshot.lastLine(),
            snapshot.totalCount(), snapshot.displayedCount(), request.since(),
            request.since() == null ? snapshot.scannedTo() : null, snapshot.countedFrom());
        // Where the tail was when we subscribed: the job's partition, or every partition while
        // the job has none (its first events may be in any).
        long[] liveFrom = subscription.liveFrom();
        String key = Topics.jobKey(id);
        return new Opening(source, request.filter(), start, snapshot.refusal(), snapshot.entries(), pager(id, request, snapshot),
            () -> bridge(key, snapshot, request.since(), liveFrom));
    }

    /**
     * The job's events that are neither stored (in the snapshot) nor sure to come live: from the
     * end of what is stored up to where the tail was when we subscribed. From the job's ring when
     * it holds them all (another viewer has been watching), else from Kafka.
     */
    private KafkaBridge.Result<Delivery> bridge(String key, JobSnapshot snapshot, Cursor since, long[] liveFrom)
        throws InterruptedException {
        if (liveFrom.length == 0) {
            // The tail had not found its topic yet when we subscribed: where live starts is
            // unknown, so nothing can be promised. It will have in a moment.
            return KafkaBridge.Result.reset(Disconnect.BUSY);
        }
        // Below: a partition the tail did not read when we subscribed (it did not take it in
        // time; the subscription was ended busy) has no live start either.
        Integer partition = snapshot.partition();
        if (partition == null) {
            return bridgeUnplaced(key, snapshot, liveFrom);
        }
        if (partition >= liveFrom.length) {
            // A cursor naming a partition the topic does not have: made up, or from another topic.
            return KafkaBridge.Result.reset(Disconnect.UNKNOWN_CURSOR);
        }
        long live = liveFrom[partition];
        if (live == Channels.NOT_TAILED) {
            return KafkaBridge.Result.reset(Disconnect.BUSY);
        }
        long reached = Math.max(snapshot.storedUpTo(), live);
        if (since != null && since.offset() > reached && since.offset() >= kafkaBridge.endOffset(partition)) {
            // A cursor beyond the end of the log: from a recreated topic, or made up.
            return KafkaBridge.Result.reset(Disconnect.UNKNOWN_CURSOR);
        }
        List<Delivery> recent = hub.recent(key, partition, snapshot.storedUpTo() + 1, live);
        if (recent != null) {
            return new KafkaBridge.Result<>(recent, null);
        }
        return kafkaBridge.read(key, partition, snapshot.storedUpTo() + 1, live);
    }

    /**
     * A job with no partition yet (no event of it stored, no cursor): its first events may be in
     * any partition's unstored window, from what ingest has stored up to where the tail was. Each
     * such window is read (nothing to read while ingest keeps up); the events of the partition
     * whose first event is the oldest are the job's, and decide its partition for this connection.
     */
    private KafkaBridge.Result<Delivery> bridgeUnplaced(String key, JobSnapshot snapshot, long[] liveFrom)
        throws InterruptedException {
        List<Delivery> found = List.of();
        if (Arrays.stream(liveFrom).anyMatch(live -> live == Channels.NOT_TAILED)) {
            return KafkaBridge.Result.reset(Disconnect.BUSY);
        }
        for (int p = 0; p < liveFrom.length; p++) {
            long from = snapshot.storedUpToByPartition().getOrDefault(p, -1L) + 1;
            KafkaBridge.Result<Delivery> window = kafkaBridge.read(key, p, from, liveFrom[p]);
            if (window.resetReason() != null) {
                return window;
            }
            if (!window.events().isEmpty() && (found.isEmpty()
                || window.events().getFirst().timestamp().isBefore(found.getFirst().timestamp()))) {
                found = window.events();
            }
        }
        return new KafkaBridge.Result<>(found, null);
    }

    private LogSession.BacklogPager pager(UUID id, LogQuery request, JobSnapshot snapshot) {
        if (request.since() == null || !snapshot.truncated()) {
            return LogSession.BacklogPager.NONE;
        }
        long upTo = snapshot.storedUpTo();
        return new ResumePager((after, limit, window) -> pages.between(id, request.filter(), after, upTo, limit, window),
            request.filter().query() != null, snapshot, props.maxLimit(), props.maxReplay());
    }
}
