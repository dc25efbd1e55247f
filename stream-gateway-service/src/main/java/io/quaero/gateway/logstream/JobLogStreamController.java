package io.quaero.gateway.logstream;

import java.io.IOException;
import java.util.UUID;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.hub.Hub;
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
    private final JobStreams jobs;
    private final StreamProperties props;
    private final StreamEnds ends;

    JobLogStreamController(Hub hub, JobStreams jobs, StreamProperties props, StreamEnds ends) {
        this.hub = hub;
        this.jobs = jobs;
        this.props = props;
        this.ends = ends;
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
        // Subscribe before reading history: what happens in between arrives live, or through the
        // bridge, and is de-duplicated by cursor, instead of falling between the two.
        var subscription = hub.subscribeJob(id);
        try {
            Opening opening = jobs.open(id, request, subscription);
            var out = SseResponse.start(response, "quaero stream of job " + id);
            Disconnect end = opening.session(subscription.subscriber(), out, props).run(opening);
            ends.record(StreamEnds.Stream.JOB, end);
            log.debug("stream of job {} ended: {}", id, end.wireName());
        } catch (IOException clientGoneBeforeStart) {
            log.debug("client of job {} left before the stream started", id);
        } finally {
            hub.unsubscribe(subscription);
        }
    }
}
