package io.quaero.gateway.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsMeta;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.ServiceView;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseJson;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.gateway.history.LogPages;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.sse.StreamLoop;
import io.quaero.gateway.tail.KafkaBridge;
import io.quaero.gateway.tail.Subscriber;

/**
 * One browser's stream of the platform's own logs (the panel on every page): the service
 * {@code status}, the newest matching lines, then the live tail through {@link StreamLoop}. The
 * topic has one partition, so de-duplication and resume work on the offset alone, as a job's do.
 */
final class ServiceLogConnection implements StreamLoop.Sink<ServiceDelivery> {

    private final Subscriber<ServiceDelivery> subscriber;
    private final SseWriter out;
    private final LogFilter filter;
    private final StreamProperties props;
    /** Entries waiting for the next flush, serialised once and shared across connections. */
    private final List<SseJson.PreparedEntry> pending = new ArrayList<>();
    private String pendingFirstId;
    private String pendingLastId;
    private long pendingLastOffset;
    private long pendingBytes;
    private long handledUpTo;
    private final long clientHas;
    private long totalCount;
    private long displayedCount;
    private long sentCount;
    private String lastSentCursor;

    ServiceLogConnection(Subscriber<ServiceDelivery> subscriber, SseWriter out, LogFilter filter, StreamProperties props,
                         ServiceHistory.Snapshot snapshot, Long sinceOffset, String sinceCursor) {
        this.subscriber = subscriber;
        this.out = out;
        this.filter = filter;
        this.props = props;
        this.handledUpTo = snapshot.storedUpTo();
        this.clientHas = sinceOffset == null ? -1 : sinceOffset;
        this.totalCount = snapshot.page().totalCount();
        this.displayedCount = snapshot.page().displayedCount();
        this.lastSentCursor = sinceCursor;
    }

    Disconnect run(ServiceView status, List<LogEntry> backlog, KafkaBridge.Result<ServiceDelivery> bridged)
        throws InterruptedException {
        try {
            out.event(SseEvents.STATUS, null, new StatusPayload(null, null, status));
            sendBacklog(backlog);
            if (bridged.resetReason() != null) {
                return reset(bridged.resetReason());
            }
            for (ServiceDelivery d : bridged.events()) {
                accept(d);
                if (pending.size() >= props.maxLimit()) {
                    flush();
                }
            }
            flush();
            return StreamLoop.run(subscriber, this, out, props);
        } catch (IOException clientGone) {
            return Disconnect.CLIENT_GONE;
        }
    }

    @Override
    public boolean accept(ServiceDelivery d) throws IOException {
        if (d.offset() <= handledUpTo) {
            return false;
        }
        handledUpTo = d.offset();
        ServiceLogEvent e = d.event();
        totalCount++;
        if (filter.matches(e.level(), e.message())) {
            displayedCount++;
            if (d.offset() > clientHas) {
                if (pending.isEmpty()) {
                    pendingFirstId = e.eventId().toString();
                }
                SseJson.PreparedEntry entry = d.entry();
                pending.add(entry);
                pendingBytes += entry.withoutLine().length;
                pendingLastId = e.eventId().toString();
                pendingLastOffset = d.offset();
                if (pendingBytes >= LogPages.MAX_PAGE_BYTES) {
                    // Big lines: a batch is bounded in bytes too, not only in entries.
                    flush();
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public int pending() {
        return pending.size();
    }

    @Override
    public void flush() throws IOException {
        if (!pending.isEmpty()) {
            send(pending, pendingFirstId, pendingLastId, new Cursor(0, pendingLastOffset).toString());
            pending.clear();
            pendingBytes = 0;
        }
    }

    @Override
    public Disconnect reset(Disconnect reason) throws IOException {
        out.event(SseEvents.RESET, null, ResetPayload.of(reason, lastSentCursor));
        return reason;
    }

    /** The backlog: stored entries, sent even when empty so the client learns the counts. */
    private void sendBacklog(List<LogEntry> entries) throws IOException {
        List<SseJson.PreparedEntry> prepared = new ArrayList<>(entries.size());
        entries.forEach(e -> prepared.add(new SseJson.PreparedEntry(e.line(), SseJson.logEntryWithoutLine(e))));
        send(prepared, entries.isEmpty() ? null : entries.getFirst().id(), entries.isEmpty() ? null : entries.getLast().id(),
            entries.isEmpty() ? null : entries.getLast().cursor());
    }

    /** One {@code logs} event; its SSE id is the cursor of its last entry (null when empty). */
    private void send(List<SseJson.PreparedEntry> entries, String firstId, String lastId, String lastCursor)
        throws IOException {
        sentCount += entries.size();
        if (lastCursor != null) {
            lastSentCursor = lastCursor;
        }
        out.logs(lastCursor, entries, new LogsMeta(totalCount, displayedCount, displayedCount > sentCount, firstId, lastId));
    }
}
