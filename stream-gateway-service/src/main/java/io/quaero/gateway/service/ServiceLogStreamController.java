package io.quaero.gateway.service;

import java.io.IOException;

import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.ServiceView;
import io.quaero.gateway.api.BadParameterException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.tail.JobEventTail;
import io.quaero.gateway.tail.KafkaBridge;
import io.quaero.gateway.tail.LiveRules;
import io.quaero.gateway.tail.Viewers;
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

    private final ServiceLogTail tail;
    private final JobEventTail jobTail;
    private final Viewers viewers;
    private final ServiceHistory history;
    private final StreamProperties props;
    private final KafkaBridge bridge;

    private final LiveRules rules;

    ServiceLogStreamController(ServiceLogTail tail, JobEventTail jobTail, Viewers viewers, ServiceHistory history,
                               StreamProperties props, KafkaBridge bridge, LiveRules rules) {
        this.bridge = bridge;
        this.rules = rules;
        this.tail = tail;
        this.jobTail = jobTail;
        this.viewers = viewers;
        this.history = history;
        this.props = props;
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
        var subscriber = tail.subscribe();
        try {
            int firstPage = request.since() == null ? request.limit() : props.maxLimit();
            var snapshot = history.snapshot(request.filter(), request.since(), firstPage);
            long liveFrom = tail.dispatchedUpTo(0);
            var status = new ServiceView(snapshot.instances(), health(tail.isTailing() && jobTail.isTailing()), "up",
                viewers.connectionCount());
            response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
            var out = new SseWriter(response.getOutputStream());
            out.comment("quaero service logs");
            new ServiceLogConnection(subscriber, out, request.filter(), props, snapshot,
                request.since() == null ? null : request.since().offset(),
                request.since() == null ? null : request.since().toString())
                .run(status, snapshot.page().entries(), bridge.read(Topics.SERVICE_LOGS, 0, null,
                    snapshot.storedUpTo() + 1, liveFrom,
                    r -> new ServiceDelivery(rules.serviceLog(r.value()), r.offset())));
        } catch (IOException clientGoneBeforeStart) {
            // Nothing to clean up beyond the subscription.
        } finally {
            tail.unsubscribe(subscriber);
        }
    }

    private static String health(boolean up) {
        return up ? "up" : "down";
    }
}
