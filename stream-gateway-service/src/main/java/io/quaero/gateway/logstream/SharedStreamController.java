package io.quaero.gateway.logstream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.hub.Batch;
import io.quaero.gateway.hub.Channel;
import io.quaero.gateway.hub.Hub;
import io.quaero.gateway.hub.Subscriber;
import io.quaero.gateway.sse.ChannelFrames;
import io.quaero.gateway.sse.SseResponse;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.sse.StreamEnds;
import io.quaero.gateway.sse.StreamLoop;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/streams?channels=[…]}: one connection that carries every log a browser's tabs
 * watch — jobs and the service logs, each with its own filters, counts and exact resume — so a
 * browser on HTTP/1.1 (six connections per origin) needs one, whatever the number of tabs
 * (Centrifugo's model: one connection, many subscriptions).
 *
 * <p>Each channel's events are its stream's events ({@code logs}, {@code status}, {@code reset}),
 * their data prefixed by a line naming the channel ({@link ChannelFrames}); {@code ping} is the
 * connection's. After each batch the connection's SSE id is set to every channel's cursor
 * ({@link ChannelRequest#compositeId}), so EventSource's own reconnect resumes each channel
 * exactly. To change the set, the browser reconnects with the new one, giving each channel's
 * cursor as its {@code since}. A reset ends the whole connection, each channel told its own
 * cursor (or to start over).
 *
 * <p>One slot of {@code max-connections}, one queue, one virtual thread, whatever the channels.
 */
@RestController
class SharedStreamController {

    private static final Logger log = LoggerFactory.getLogger(SharedStreamController.class);

    private final Hub hub;
    private final JobStreams jobs;
    private final ServiceStreams services;
    private final StreamProperties props;
    private final StreamEnds ends;

    SharedStreamController(Hub hub, JobStreams jobs, ServiceStreams services, StreamProperties props, StreamEnds ends) {
        this.hub = hub;
        this.jobs = jobs;
        this.services = services;
        this.props = props;
        this.ends = ends;
    }

    @GetMapping(path = "/api/streams", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    void stream(@RequestParam(required = false) String channels,
                @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                HttpServletResponse response) throws IOException, InterruptedException {
        List<ChannelRequest> requests = ChannelRequest.parse(channels, lastEventId, props);
        Subscriber inbox = hub.connect();
        List<Hub.Subscription> joined = new ArrayList<>();
        try {
            // Join every channel, then read where each starts: as for one stream, what happens in
            // between arrives live or through the bridge.
            List<Opening> openings = new ArrayList<>();
            for (ChannelRequest r : requests) {
                var s = r.job() != null ? hub.joinJob(inbox, r.job()) : hub.joinServiceLogs(inbox);
                joined.add(s);
                openings.add(r.job() != null ? jobs.open(r.job(), r.query(), s) : services.open(r.query(), s));
            }
            var out = SseResponse.start(response, "quaero streams: " + requests.size() + " channels");
            var taps = new Taps(out);
            for (int i = 0; i < requests.size(); i++) {
                var channelOut = new SseWriter(new ChannelFrames(response.getOutputStream(), requests.get(i).id()));
                taps.add(joined.get(i).channel(), requests.get(i).id(), openings.get(i).session(inbox, channelOut, props));
            }
            Disconnect end = taps.open(openings);
            if (end == null) {
                end = StreamLoop.run(inbox, taps, out, props);
            }
            ends.record(StreamEnds.Stream.SHARED, end);
            log.debug("shared stream of {} channels ended: {}", requests.size(), end.wireName());
        } catch (IOException clientGone) {
            ends.record(StreamEnds.Stream.SHARED, SseWriter.cause(clientGone));
        } finally {
            joined.forEach(hub::leave);
            hub.disconnect();
        }
    }

    /** The connection's channels: routes each batch to its channel's session and keeps the composite id. */
    private static final class Taps implements StreamLoop.Sink {

        private final SseWriter out;
        private final Map<Channel, LogSession> byChannel = new LinkedHashMap<>();
        private final Map<String, LogSession> byId = new LinkedHashMap<>();

        Taps(SseWriter out) {
            this.out = out;
        }

        void add(Channel channel, String id, LogSession session) {
            byChannel.put(channel, session);
            byId.put(id, session);
        }

        /**
         * Opens every channel (status, backlog, bridge). The first that sends a reset ends the
         * connection; the others are where the composite id says, and resume from there.
         */
        Disconnect open(List<Opening> openings) throws IOException, InterruptedException {
            int i = 0;
            for (LogSession session : byId.values()) {
                Disconnect refused = session.open(openings.get(i++));
                if (refused != null) {
                    markPosition();
                    return refused;
                }
            }
            markPosition();
            return null;
        }

        @Override
        public boolean accept(Batch batch) throws IOException {
            LogSession session = byChannel.get(batch.channel());
            if (session == null || !session.accept(batch)) {
                return false;
            }
            markPosition();
            return true;
        }

        /** Every channel is told to resume from its cursor (or start over), then the connection ends. */
        @Override
        public Disconnect reset(Disconnect reason) throws IOException {
            for (LogSession session : byId.values()) {
                session.reset(reason);
            }
            return reason;
        }

        private void markPosition() throws IOException {
            Map<String, String> cursors = new LinkedHashMap<>();
            byId.forEach((id, session) -> cursors.put(id, session.lastSentCursor()));
            out.lastEventId(ChannelRequest.compositeId(cursors));
        }
    }
}
