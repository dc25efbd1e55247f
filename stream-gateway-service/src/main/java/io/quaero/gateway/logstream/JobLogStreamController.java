package io.quaero.gateway.logstream;

import java.io.IOException;
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
import io.quaero.gateway.hub.Delivery;
import io.quaero.gateway.hub.Hub;
import io.quaero.gateway.hub.KafkaBridge;
import io.quaero.gateway.sse.SseResponse;
import io.quaero.gateway.sse.StreamEnds;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/jobs/{id}/logs/stream}: a job's status and logs as Server-Sent Events.
 *
 * <p>The request's thread is a virtual thread (spring.threads.virtual.enabled) and it stays with
 * the connection for its whole life, writing straight to the servlet response: no async request,
 * so no async timeout can cut the stream, and a write to a vanished client fails at once.
 */
@RestController
class JobLogStreamController {

    private static final Logger log = LoggerFactory.getLogger(JobLogStreamController.class);

    private final Hub hub;
    private final KafkaBridge kafkaBridge;
    private final JobHistory history;
    private final LogPages pages;
    private final StreamProperties props;
    private final StreamEnds ends;

    JobLogStreamController(Hub hub, KafkaBridge kafkaBridge, JobHistory history, LogPages pages, StreamProperties props,
                           StreamEnds ends) {
        this.ends = ends;
        this.pages = pages;
        this.hub = hub;
        this.kafkaBridge = kafkaBridge;
        this.history = history;
        this.props = props;
    }

    @GetMapping(path = "/api/jobs/{id}/logs/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void stream(@PathVariable UUID id,
                @RequestParam(required = false) String step,
                @RequestParam(required = false) String level,
                @RequestParam(required = false) String q,
                @RequestParam(required = false) String limit,
                @RequestParam(required = false) String since,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                HttpServletResponse response) throws IOException, InterruptedException {
        var request = LogQuery.parse(step, level, q, limit, since, lastEventId, props);
        String key = Topics.jobKey(id);
        // Subscribe before reading history: what happens in between arrives live, or through the
        // bridge, and is de-duplicated by cursor, instead of falling between the two.
        var subscription = hub.subscribeJob(id);
        try {
            int firstPage = request.since() == null ? request.limit() : props.maxLimit();
            JobSnapshot snapshot = history.snapshot(id, request.filter(), request.since(), firstPage)
                .orElseThrow(() -> new JobNotFoundException(id));
            // Where the tail was when we subscribed: the job's partition, or every partition while
            // the job has none (its first events may be in any).
            long[] liveFrom = subscription.liveFrom();
            if (snapshot.partition() != null) {
                hub.ringCovers(subscription, snapshot.partition());
            }
            var out = SseResponse.start(response, "quaero stream of job " + id);
            var source = new JobSource(snapshot.job(), snapshot.steps(), hub::wasRejected);
            var start = new LogSession.Start(snapshot.partition(), snapshot.storedUpTo(), snapshot.lastLine(),
                snapshot.totalCount(), snapshot.displayedCount(), request.since());
            Disconnect end = new LogSession(subscription.subscriber(), out, request.filter(), props, source, start)
                .run(snapshot.refusal(), snapshot.entries(), pager(id, request, snapshot),
                    () -> bridge(key, snapshot, request.since(), liveFrom));
            ends.record(StreamEnds.Stream.JOB, end);
            log.debug("stream of job {} ended: {}", id, end.wireName());
        } catch (IOException clientGoneBeforeStart) {
            log.debug("client of job {} left before the stream started", id);
        } finally {
            hub.unsubscribe(subscription);
        }
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
        Integer partition = snapshot.partition();
        if (partition == null) {
            return bridgeUnplaced(key, snapshot, liveFrom);
        }
        if (partition >= liveFrom.length) {
            // A cursor naming a partition the topic does not have: made up, or from another topic.
            return KafkaBridge.Result.reset(Disconnect.UNKNOWN_CURSOR);
        }
        long live = liveFrom[partition];
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
        return new ResumePager(pages, id, request.filter(), snapshot, props.maxLimit(), props.maxReplay());
    }
}
