package io.quaero.gateway.logstream;

import java.io.IOException;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.hub.Hub;
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
 * Server-Sent Events, for the service-logs panel on every page. Same events as a job stream; its
 * {@code status} carries {@code service} ({@link ServiceStreams}).
 */
@RestController
class ServiceLogStreamController {

    private final Hub hub;
    private final ServiceStreams services;
    private final StreamProperties props;
    private final StreamEnds ends;

    ServiceLogStreamController(Hub hub, ServiceStreams services, StreamProperties props, StreamEnds ends) {
        this.hub = hub;
        this.services = services;
        this.props = props;
        this.ends = ends;
    }

    @GetMapping(path = "/api/service/logs/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void stream(@RequestParam(required = false) String level,
                @RequestParam(required = false) String q,
                @RequestParam(required = false) String limit,
                @RequestParam(required = false) String since,
                @RequestParam(required = false) String step,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                HttpServletResponse response) throws IOException, InterruptedException {
        var request = ServiceStreams.check(LogQuery.parse(null, level, q, limit, since, lastEventId, props), step,
            since != null && !since.isBlank() ? "since" : "Last-Event-ID");
        // Subscribe before reading history and bridge the window between, as a job stream does;
        // duplicates are dropped by offset.
        var subscription = hub.subscribeServiceLogs();
        try {
            Opening opening = services.open(request, subscription);
            var out = SseResponse.start(response, "quaero service logs");
            Disconnect end = opening.session(subscription.subscriber(), out, props).run(opening);
            ends.record(StreamEnds.Stream.SERVICE, end);
        } catch (IOException clientGoneBeforeStart) {
            // Nothing to clean up beyond the subscription.
        } finally {
            hub.unsubscribe(subscription);
        }
    }
}
