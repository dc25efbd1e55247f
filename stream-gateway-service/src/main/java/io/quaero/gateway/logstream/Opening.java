package io.quaero.gateway.logstream;

import java.util.List;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.gateway.hub.Subscriber;
import io.quaero.gateway.sse.Deliveries;
import io.quaero.gateway.sse.SseWriter;
import org.jspecify.annotations.Nullable;

/**
 * Everything a log stream starts from, read after subscribing and before the response starts (so
 * an unknown job is still a plain 404): the log's source, where its stored part ends, the backlog
 * with its further pages, and the bridge to the live tail.
 *
 * @param refusal why the client's cursor cannot be honoured (sent as the stream's reset), or null
 */
record Opening(LogSource source, LogFilter filter, LogSession.Start start, @Nullable Disconnect refusal,
               List<LogEntry> backlog, LogSession.BacklogPager more, LogSession.Bridge bridge) {

    /** The session that writes this log to {@code out}, fed by {@code subscriber}. */
    LogSession session(Subscriber subscriber, SseWriter out, StreamProperties props, Deliveries deliveries) {
        return new LogSession(subscriber, out, filter, props, source, start, deliveries);
    }
}
