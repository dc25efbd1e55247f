package io.quaero.gateway.logstream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import io.quaero.access.Caller;
import io.quaero.access.Standing;
import io.quaero.access.Standings;
import io.quaero.access.limits.Clients;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.gateway.api.JobNotFoundException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.hub.Hub;
import io.quaero.gateway.hub.Subscriber;
import io.quaero.gateway.sse.ChannelFrames;
import io.quaero.gateway.sse.SseResponse;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.sse.Deliveries;
import io.quaero.gateway.sse.StreamEnds;
import io.quaero.gateway.sse.StreamLoop;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The log streams as Server-Sent Events:
 * <ul>
 * <li>{@code GET /api/jobs/{id}/logs/stream?step=&level=&q=&limit=&since=}: a job's status and logs;</li>
 * <li>{@code GET /api/service/logs/stream?level=&q=&limit=&since=}: the platform's own logs, for the
 *     panel on every page; its {@code status} carries {@code service} ({@link ServiceStreams});</li>
 * <li>{@code GET /api/streams?channels=[…]}: one connection that carries every log a browser's tabs
 *     watch — jobs and the service logs, each with its own filters, counts and exact resume — so a
 *     browser on HTTP/1.1 (six connections per origin) needs one, whatever the number of tabs
 *     (Centrifugo's model: one connection, many subscriptions).</li>
 * </ul>
 *
 * <p>Every stream subscribes before it reads history: what happens in between arrives live, or
 * through the bridge, and is de-duplicated by cursor. A job's stream first learns the job's
 * partition (its cursor's, or one lookup of the job's row: {@link JobStreams#partition}), because
 * this instance's tail reads only the partitions its streams need: subscribing waits until it
 * reads that one, so the position the subscription reads is a real one. The request's thread is a virtual thread
 * and stays with the connection for its whole life, writing straight to the response: no async
 * request, so no async timeout can cut the stream, and a write to a vanished client fails at once.
 *
 * <p>On the shared connection each channel's events are its stream's events ({@code logs},
 * {@code status}, {@code reset}) with a first data line naming the channel ({@link ChannelFrames});
 * {@code ping} is the connection's. After each batch the connection's SSE id is every channel's
 * cursor ({@link ChannelRequest#compositeId}), so EventSource's own reconnect resumes each channel
 * exactly; to change the set the browser reconnects with the new one, each channel's cursor as its
 * {@code since}. A reset ends the whole connection, each channel told its own cursor (or to start
 * over). One slot (of the instance's, the user's and the address's: {@link io.quaero.gateway.hub.Admission}),
 * one queue, one virtual thread, whatever the channels.
 *
 * <p>A query the database cancels (its statement timeout) before a stream starts is a 422 naming
 * the parameter (module query-cost); on the shared connection it ends that channel alone
 * ({@code query-too-costly}); after a stream started, in a resume's further pages, it ends the
 * stream with {@code too-far-behind} ({@link ResumePager}). A stream never ends without a word.
 */
@RestController
class LogStreamController {

    private static final Logger log = LoggerFactory.getLogger(LogStreamController.class);

    private final Hub hub;
    private final JobStreams jobs;
    private final ServiceStreams services;
    private final StreamProperties props;
    private final StreamEnds ends;
    private final Deliveries deliveries;
    private final Standings standings;
    private final Clients clients;

    LogStreamController(Hub hub, JobStreams jobs, ServiceStreams services, StreamProperties props, StreamEnds ends,
                        Deliveries deliveries, Standings standings, Clients clients) {
        this.clients = clients;
        this.deliveries = deliveries;
        this.standings = standings;
        this.hub = hub;
        this.jobs = jobs;
        this.services = services;
        this.props = props;
        this.ends = ends;
    }

    @GetMapping(path = "/api/jobs/{id}/logs/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void job(@PathVariable UUID id,
             @RequestParam(required = false) String step,
             @RequestParam(required = false) String level,
             @RequestParam(required = false) String q,
             @RequestParam(required = false) String limit,
             @RequestParam(required = false) String since,
             @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
             HttpServletRequest http, HttpServletResponse response) throws InterruptedException {
        var request = LogQuery.parse(step, level, q, limit, since, lastEventId, props);
        Integer partition = jobs.partition(id, request);
        serve(response, StreamEnds.Stream.JOB, "quaero stream of job " + id, hub.subscribeJob(clients.current(http), id, partition),
            s -> jobs.open(id, request, s));
    }

    @GetMapping(path = "/api/service/logs/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void service(@RequestParam(required = false) String level,
                 @RequestParam(required = false) String q,
                 @RequestParam(required = false) String limit,
                 @RequestParam(required = false) String since,
                 @RequestParam(required = false) String step,
                 @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                 HttpServletRequest http, HttpServletResponse response) throws InterruptedException {
        var request = ServiceStreams.check(LogQuery.parse(null, level, q, limit, since, lastEventId, props), step,
            since != null && !since.isBlank() ? "since" : "Last-Event-ID");
        serve(response, StreamEnds.Stream.SERVICE, "quaero service logs", hub.subscribeServiceLogs(clients.current(http)),
            s -> services.open(request, s));
    }

    @GetMapping(path = "/api/streams", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void shared(@RequestParam(required = false) String channels,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                HttpServletRequest http, HttpServletResponse response) throws InterruptedException {
        List<ChannelRequest> requests = ChannelRequest.parse(channels, lastEventId, props);
        Standing standing = standings.current();
        Caller caller = Caller.require();
        Subscriber inbox = hub.connect(clients.current(http));
        List<Hub.Subscription> joined = new ArrayList<>();
        try {
            List<ChannelRequest> open = new ArrayList<>();
            List<Hub.Subscription> opened = new ArrayList<>();
            List<ChannelRequest> unknown = new ArrayList<>();
            List<ChannelRequest> refused = new ArrayList<>();
            List<ChannelRequest> tooCostly = new ArrayList<>();
            List<Opening> openings = new ArrayList<>();
            for (ChannelRequest r : requests) {
                if (r.job() == null && !caller.isAdmin()) {
                    // The service logs are for admins; the job channels of the connection go on.
                    refused.add(r);
                    continue;
                }
                try {
                    var s = r.job() != null ? hub.joinJob(inbox, r.job(), jobs.partition(r.job(), r.query()))
                        : hub.joinServiceLogs(inbox);
                    joined.add(s);
                    openings.add(r.job() != null ? jobs.open(r.job(), r.query(), s) : services.open(r.query(), s));
                    open.add(r);
                    opened.add(s);
                } catch (JobNotFoundException e) {
                    // One tab's missing job must not take every other tab's streams down with it.
                    unknown.add(r);
                } catch (QueryTimeoutException e) {
                    // Nor one tab's search that reads more than a request may (the statement timeout).
                    log.warn("channel {} of a shared connection: the database cancelled its opening query", r.id());
                    tooCostly.add(r);
                }
            }
            var out = SseResponse.start(response, "quaero streams: " + requests.size() + " channels");
            for (ChannelRequest r : unknown) {
                new SseWriter(new ChannelFrames(response.getOutputStream(), r.id()))
                    .event(SseEvents.RESET, null, ResetPayload.of(Disconnect.UNKNOWN_JOB, null));
            }
            for (ChannelRequest r : refused) {
                new SseWriter(new ChannelFrames(response.getOutputStream(), r.id()))
                    .event(SseEvents.RESET, null, ResetPayload.of(Disconnect.NOT_ALLOWED, null));
            }
            for (ChannelRequest r : tooCostly) {
                new SseWriter(new ChannelFrames(response.getOutputStream(), r.id()))
                    .event(SseEvents.RESET, null, ResetPayload.of(Disconnect.QUERY_TOO_COSTLY, null));
            }
            var taps = new Taps(out);
            for (int i = 0; i < open.size(); i++) {
                var channelOut = new SseWriter(new ChannelFrames(response.getOutputStream(), open.get(i).id()));
                taps.add(opened.get(i).channel(), open.get(i).id(), openings.get(i).session(inbox, channelOut, props, deliveries));
            }
            Disconnect end = taps.open(openings);
            ended(StreamEnds.Stream.SHARED, end != null ? end : StreamLoop.run(inbox, taps, out, props, standing));
        } catch (IOException failed) {
            ended(StreamEnds.Stream.SHARED, SseWriter.cause(failed));
        } finally {
            joined.forEach(hub::leave);
            hub.disconnect(inbox);
        }
    }

    /** One log on its own response: open it, then write it until the connection ends. */
    private void serve(HttpServletResponse response, StreamEnds.Stream kind, String comment, Hub.Subscription subscription,
                       Function<Hub.Subscription, Opening> open) throws InterruptedException {
        Standing standing = standings.current();
        try {
            Opening opening = open.apply(subscription);
            var out = SseResponse.start(response, comment);
            ended(kind, opening.session(subscription.subscriber(), out, props, deliveries).run(opening, standing));
        } catch (IOException failed) {
            ended(kind, SseWriter.cause(failed));
        } finally {
            hub.unsubscribe(subscription);
        }
    }

    private void ended(StreamEnds.Stream kind, Disconnect end) {
        ends.record(kind, end);
        log.debug("{} stream ended: {}", kind, end.wireName());
    }
}
