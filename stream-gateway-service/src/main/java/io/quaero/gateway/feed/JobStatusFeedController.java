package io.quaero.gateway.feed;

import java.io.IOException;

import io.quaero.access.Caller;
import io.quaero.access.Standing;
import io.quaero.access.Standings;
import io.quaero.access.limits.Clients;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.sse.SseResponse;
import io.quaero.gateway.sse.StreamEnds;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.hub.Hub;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/job-status/stream}: every job's status changes as Server-Sent Events, for the
 * jobs list page, so that it never polls. No parameters: the feed is every job's status changes,
 * unfiltered (they are few next to log lines, which it never carries).
 *
 * <p>Events:
 * <ul>
 * <li>{@code status}: one per record of {@code quaero.job-status}, which log-ingest publishes for
 *     each status event of {@code quaero.job-events} it stored: the delta as the worker (or
 *     job-service, or the reaper) published it, as {@code JobStatusChange}:
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
 *     the events come in Kafka order (ingest publishes a job's changes in the order of its
 *     partition, under one key); across jobs, in the order the tail read them. A change may come
 *     twice (ingest publishes a poll's changes again after a crash before its offsets were
 *     committed), always again in order, so the later one still wins. They are gathered for
 *     {@code batch-interval} (150 ms) and written together: a flush holds several {@code status}
 *     events, each its own SSE event (not one array event), so each is rendered once and the same
 *     bytes go to every feed connection.</li>
 * <li>{@code ping} after {@code ping-interval} (5 s) of silence.</li>
 * <li>{@code reset} {@code {"reason":"overflow"}} (no cursor) when this connection fell
 *     {@code buffer-size} events behind; then the stream ends.</li>
 * <li>On shutdown a {@code retry:} of 1-5 s (jittered), then the stream ends.</li>
 * </ul>
 * No event has an {@code id:}: the feed has no resume. The page should, on every EventSource
 * {@code open} (the first and each reconnect), fetch the jobs list over REST and apply the
 * {@code status} events received meanwhile on top of it, in order; later ones directly.
 *
 * <p>Why that is exact, with no wait before the response starts. The stream opens (the browser's
 * {@code open}) only after the subscription registered; every change the status topic receives
 * after the position the tail had then comes on the stream. Every change at or before that
 * position was published by ingest only after the transaction that stored it had committed, so it
 * is in the database before the page fetches its list. Each change is therefore in the list, on
 * the stream, or both (a change stored but not yet published when the list is read comes later on
 * the stream; applying it again is harmless). A change ingest has not stored is not on the stream
 * either: the feed shows changes at ingest's pace (its batch cycle), and none while ingest or the
 * database is down — the list would not show them then either.
 *
 * <p>Admitted like every stream ({@link io.quaero.gateway.hub.Admission}: beyond
 * {@code max-connections} 503, beyond the user's or the address's streams 429, both with
 * {@code Retry-After}). Costs a gateway one small topic, read whether or not anyone watches (its tail decodes
 * only while someone does, once for all feed connections), and no partition of
 * {@code quaero.job-events}.
 */
@RestController
class JobStatusFeedController {

    private static final Logger log = LoggerFactory.getLogger(JobStatusFeedController.class);

    private final Hub hub;
    private final StreamProperties props;
    private final StreamEnds ends;
    private final Standings standings;
    private final Clients clients;

    JobStatusFeedController(Hub hub, StreamProperties props, StreamEnds ends, Standings standings, Clients clients) {
        this.clients = clients;
        this.ends = ends;
        this.standings = standings;
        this.hub = hub;
        this.props = props;
    }

    @GetMapping(path = "/api/job-status/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void stream(HttpServletRequest request, HttpServletResponse response) throws IOException, InterruptedException {
        Standing standing = standings.current();
        // Subscribed before the response starts: from the browser's open on, every change not in
        // the database is still to come on this stream (see the class comment).
        var subscription = hub.subscribeFeed(clients.current(request));
        try {
            var out = SseResponse.start(response, "quaero job status feed");
            Disconnect end = new JobStatusFeedConnection(subscription.subscriber(), out, props, standing, Caller.require()).run();
            ends.record(StreamEnds.Stream.FEED, end);
            log.debug("job status feed ended: {}", end.wireName());
        } catch (IOException clientGoneBeforeStart) {
            log.debug("client of the job status feed left before the stream started");
        } finally {
            hub.unsubscribe(subscription);
        }
    }
}
