package io.quaero.gateway.logstream;

import java.io.IOException;

import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.ServiceView;
import io.quaero.gateway.api.BadParameterException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.history.ServiceHistory;
import io.quaero.gateway.hub.Delivery;
import io.quaero.gateway.hub.Hub;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.gateway.hub.KafkaBridge;
import io.quaero.gateway.hub.LiveRules;
import io.quaero.gateway.hub.ServiceLogTail;
import io.quaero.gateway.sse.SseResponse;
import io.quaero.gateway.sse.StreamEnds;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/service/logs/stream?level=&q=&limit=&since=}: the platform's own logs as
 * Server-Sent Events, for the service-logs panel on every page. Same events as a job stream;
 * its {@code status} carries {@code service}: instances that logged in the last
 * {@value ServiceHistory#INSTANCE_WINDOW_MINUTES} minutes, Kafka and database health, and the
 * streams this instance serves.
 */
@RestController
class ServiceLogStreamController {

    private final Hub hub;
    private final ServiceLogTail tail;
    private final JobEventTail jobTail;
    private final ServiceHistory history;
    private final StreamProperties props;
    private final KafkaBridge bridge;
    private final LiveRules rules;
    private final StreamEnds ends;

    ServiceLogStreamController(Hub hub, ServiceLogTail tail, JobEventTail jobTail, ServiceHistory history,
                               StreamProperties props, KafkaBridge bridge, LiveRules rules, StreamEnds ends) {
        this.ends = ends;
        this.hub = hub;
        this.tail = tail;
        this.jobTail = jobTail;
        this.history = history;
        this.props = props;
        this.bridge = bridge;
        this.rules = rules;
    }

    @GetMapping(path = "/api/service/logs/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void stream(@RequestParam(required = false) String level,
                @RequestParam(required = false) String q,
                @RequestParam(required = false) String limit,
                @RequestParam(required = false) String since,
                @RequestParam(required = false) String step,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                HttpServletResponse response) throws IOException, InterruptedException {
        if (step != null) {
            throw new BadParameterException("step", "service logs have no steps");
        }
        var request = LogQuery.parse(null, level, q, limit, since, lastEventId, props);
        if (request.since() != null && request.since().partition() != 0) {
            throw new BadParameterException(since != null && !since.isBlank() ? "since" : "Last-Event-ID",
                "service log cursors are in partition 0, was " + request.since());
        }
        // Subscribe before reading history and bridge the window between, as a job stream does;
        // duplicates are dropped by offset.
        var subscription = hub.subscribeServiceLogs();
        try {
            int firstPage = request.since() == null ? request.limit() : props.maxLimit();
            var snapshot = history.snapshot(request.filter(), request.since(), firstPage);
            var status = new ServiceView(snapshot.instances(), tail.isTailing() && jobTail.isTailing() ? "up" : "down", "up",
                hub.connectionCount());
            var out = SseResponse.start(response, "quaero service logs");
            var start = new LogSession.Start(0, snapshot.storedUpTo(), 0, snapshot.page().totalCount(),
                snapshot.page().displayedCount(), request.since());
            long liveFrom = subscription.liveFrom().length == 0 ? -1 : subscription.liveFrom()[0];
            Disconnect end = new LogSession(subscription.subscriber(), out, request.filter(), props, new ServiceSource(status), start)
                .run(null, snapshot.page().entries(), LogSession.BacklogPager.NONE,
                    () -> bridge.read(Topics.SERVICE_LOGS, 0, null, snapshot.storedUpTo() + 1, liveFrom,
                        r -> Delivery.of(rules.serviceLog(r.value()), r.offset())));
            ends.record(StreamEnds.Stream.SERVICE, end);
        } catch (IOException clientGoneBeforeStart) {
            // Nothing to clean up beyond the subscription.
        } finally {
            hub.unsubscribe(subscription);
        }
    }
}
