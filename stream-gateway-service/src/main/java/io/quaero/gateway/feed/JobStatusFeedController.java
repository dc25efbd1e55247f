package io.quaero.gateway.feed;

import java.io.IOException;

import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.sse.SseResponse;
import io.quaero.gateway.sse.StreamEnds;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.hub.Hub;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/job-status/stream}: every job's status changes as Server-Sent Events, for the
 * jobs list page, so that it never polls. No parameters: the feed is every job's status events,
 * unfiltered (they are few next to log lines, which it never carries).
 *
 * <p>Events:
 * <ul>
 * <li>{@code status}: one per status event on {@code quaero.job-events}, the delta as the worker
 *     (or job-service, or the reaper) published it, as {@code JobStatusChange}:
 *     <pre>
 * event: status
 * data: {"job":{"id":"6f1c…","status":"running","progress":40}}
 *
 * event: status
 * data: {"job":{"id":"6f1c…"},"steps":[{"id":"parse","name":"Parse","status":"completed"}]}
 *     </pre>
 *     {@code job.id} is always there; {@code job.status} and {@code job.progress} only when this
 *     event changed them (a step-only change has neither; progress can be absent with a status);
 *     {@code steps} only when steps changed, and then only those, to merge by step id. The same
 *     shape as a job stream's {@code status}, where {@code job} would be the whole state. Per job
 *     the events come in Kafka order (one job, one partition); across jobs, in the order the tail
 *     read them. They are gathered for {@code batch-interval} (150 ms) and written together: a
 *     flush holds several {@code status} events, each its own SSE event (not one array event), so
 *     each is rendered once and the same bytes go to every feed connection.</li>
 * <li>{@code ping} after {@code ping-interval} (5 s) of silence.</li>
 * <li>{@code reset} {@code {"reason":"overflow"}} (no cursor) when this connection fell
 *     {@code buffer-size} events behind; then the stream ends.</li>
 * <li>On shutdown a {@code retry:} of 1-5 s (jittered), then the stream ends.</li>
 * </ul>
 * No event has an {@code id:}: the feed has no resume. The page should, on every EventSource
 * {@code open} (the first and each reconnect), fetch the jobs list over REST and apply the
 * {@code status} events received meanwhile on top of it, in order; later ones directly. That is
 * exact: {@code open} fires only once the database holds every change this stream will not bring
 * ({@link ListHandover}), so each change is in that list, on the stream, or both.
 *
 * <p>Counts against {@code max-connections} (beyond it 503 + {@code Retry-After}, like every
 * stream). Costs nothing while no one watches; while someone does, the tail decodes only records
 * that may be status events ({@code hub.StatusPrefilter}), once for all feed connections.
 */
@RestController
class JobStatusFeedController {

    private static final Logger log = LoggerFactory.getLogger(JobStatusFeedController.class);

    private final Hub hub;
    private final ListHandover handover;
    private final StreamProperties props;
    private final StreamEnds ends;

    JobStatusFeedController(Hub hub, ListHandover handover, StreamProperties props, StreamEnds ends) {
        this.ends = ends;
        this.hub = hub;
        this.handover = handover;
        this.props = props;
    }

    @GetMapping(path = "/api/job-status/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void stream(HttpServletResponse response) throws IOException, InterruptedException {
        // Subscribe first, then wait for ingest to store what the tail passed before: from the
        // first byte of the response on, no change falls between the stream and the list.
        // (The feed needs every partition read: subscribing waits until this instance's tail
        // reads them all.)
        var subscription = hub.subscribeFeed();
        try {
            handover.awaitStored(subscription.liveFrom(), () -> subscription.subscriber().ending() != null);
            var out = SseResponse.start(response, "quaero job status feed");
            Disconnect end = new JobStatusFeedConnection(subscription.subscriber(), out, props).run();
            ends.record(StreamEnds.Stream.FEED, end);
            log.debug("job status feed ended: {}", end.wireName());
        } catch (IOException clientGoneBeforeStart) {
            log.debug("client of the job status feed left before the stream started");
        } finally {
            hub.unsubscribe(subscription);
        }
    }
}
