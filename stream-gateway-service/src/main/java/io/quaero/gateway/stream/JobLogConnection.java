package io.quaero.gateway.stream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.JobView;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsMeta;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseJson;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.contracts.sse.StepView;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.gateway.history.JobSnapshot;
import io.quaero.gateway.history.LogPages;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.sse.StreamLoop;
import io.quaero.gateway.tail.Delivery;
import io.quaero.gateway.tail.KafkaBridge;
import io.quaero.gateway.tail.Subscriber;

/**
 * One browser's stream of one job, run on the request's own virtual thread: initial state,
 * stored backlog, the bridged window, then the live tail through {@link StreamLoop}. On a status
 * change pending logs are flushed first, then {@code status} is sent, so a status is never seen
 * before the logs that preceded it.
 *
 * <p>Where each event comes from. The subscription was made before the snapshot was read; the
 * snapshot says up to which offset of the job's partition everything is stored
 * ({@code storedUpTo}); the Kafka bridge brings the job's events from there up to where the live
 * tail was when we subscribed; the queue brings the rest. Events can arrive twice across these
 * sources, so every event at or below the highest offset already handled is dropped: a job is
 * one partition, and its offsets are its order. An event of the job in another partition is not
 * the job's (yet: ingest forwards it to the job's partition, and the copy is what counts) and is
 * dropped too; when no event of the job was stored or resumed from, its partition is unknown and
 * the first event that comes decides it. Events the client already has (at or below its
 * resume cursor) are numbered and counted but not sent again. Counts start from the snapshot and
 * grow with each new event, never with a query per batch. Line numbers continue from the last
 * stored line by ingest's rule, so a line has one number in the stream and in the database.
 */
final class JobLogConnection {

    private final Subscriber<Delivery> subscriber;
    private final SseWriter out;
    private final LogFilter filter;
    private final StreamProperties props;
    /** Events storage refused after the tail passed them ({@code Viewers#wasRejected}). */
    private final Predicate<Cursor> rejected;

    /** Entries waiting for the next flush, serialised but for their line (shared across connections). */
    private final List<SseJson.PreparedEntry> pending = new ArrayList<>();
    private String pendingFirstId;
    private String pendingLastId;
    private String pendingLastCursor;
    private long pendingBytes;
    private final Map<String, StepView> steps = new LinkedHashMap<>();
    private JobView job;
    /** The job's partition; null until the first event says (none was stored or resumed from). */
    private Integer partition;
    /** Highest offset of {@code partition} handled: the snapshot's stored end, then each event's. */
    private long handledUpTo;
    /** The client's resume cursor offset: events up to it are counted, not sent. */
    private final long clientHas;
    private long lastLine;
    private long totalCount;
    private long displayedCount;
    private long sentCount;
    /** SSE id of the last entry sent: the cursor this client would resume from. */
    private String lastSentCursor;
    /** Why the resume cursor cannot be honoured (see {@link JobSnapshot#refusal}), or null. */
    private final Disconnect refusal;

    JobLogConnection(Subscriber<Delivery> subscriber, SseWriter out, LogFilter filter, StreamProperties props, JobSnapshot snapshot,
                     Cursor since, Predicate<Cursor> rejected) {
        this.subscriber = subscriber;
        this.rejected = rejected;
        this.out = out;
        this.filter = filter;
        this.props = props;
        this.job = snapshot.job();
        snapshot.steps().forEach(s -> steps.put(s.id(), s));
        this.partition = snapshot.partition();
        this.handledUpTo = snapshot.storedUpTo();
        this.clientHas = since == null ? -1 : since.offset();
        this.lastLine = snapshot.lastLine();
        this.totalCount = snapshot.totalCount();
        this.displayedCount = snapshot.displayedCount();
        this.lastSentCursor = since == null ? null : since.toString();
        this.refusal = snapshot.refusal();
    }

    /**
     * Sends the initial state, the stored backlog and the bridged window, then the live tail
     * until the connection ends.
     */
    Disconnect run(List<LogEntry> backlog, BacklogPager more, Bridge bridge) throws InterruptedException {
        try {
            sendStatus();
            if (refusal != null) {
                return reset(refusal);
            }
            sendEntries(backlog, true);
            for (List<LogEntry> page = more.next(); !page.isEmpty(); page = more.next()) {
                sendEntries(page, false);
            }
            if (more.exhausted()) {
                return reset(Disconnect.TOO_FAR_BEHIND);
            }
            KafkaBridge.Result<Delivery> window = bridge.open();
            if (window.resetReason() != null) {
                return reset(window.resetReason());
            }
            for (Delivery d : window.events()) {
                handle(d);
                if (pending.size() >= props.maxLimit()) {
                    flushLogs();
                }
            }
            flushLogs();
            return StreamLoop.run(subscriber, sink(), out, props);
        } catch (IOException clientGone) {
            return Disconnect.CLIENT_GONE;
        }
    }

    /** The live tail's view of this connection. */
    private StreamLoop.Sink<Delivery> sink() {
        return new StreamLoop.Sink<>() {
            @Override
            public boolean accept(Delivery d) throws IOException {
                return handle(d);
            }

            @Override
            public int pending() {
                return pending.size();
            }

            @Override
            public void flush() throws IOException {
                flushLogs();
            }

            @Override
            public Disconnect reset(Disconnect reason) throws IOException {
                return JobLogConnection.this.reset(reason);
            }
        };
    }

    /** Takes one event into the stream; returns true when it wrote a {@code status} event. */
    private boolean handle(Delivery d) throws IOException {
        if (partition == null) {
            partition = d.cursor().partition();
        } else if (d.cursor().partition() != partition) {
            return false;
        }
        long offset = d.cursor().offset();
        if (offset <= handledUpTo || rejected.test(d.cursor())) {
            // Seen already, or refused by storage: stored history has no line for it either.
            return false;
        }
        handledUpTo = offset;
        if (d.event() instanceof LogEvent log) {
            add(log, d, offset > clientHas);
            if (pendingBytes >= LogPages.MAX_PAGE_BYTES) {
                // Big lines: a batch is bounded in bytes too, not only in entries.
                flushLogs();
                return true;
            }
            return false;
        }
        if (d.event() instanceof StatusEvent status) {
            flushLogs();
            merge(status);
            sendStatus();
            return true;
        }
        return false;
    }

    private void add(LogEvent log, Delivery d, boolean send) {
        long line = ++lastLine;
        if (filter.matchesStep(log)) {
            totalCount++;
        }
        if (filter.matches(log)) {
            displayedCount++;
            if (send) {
                if (pending.isEmpty()) {
                    pendingFirstId = log.eventId().toString();
                }
                SseJson.PreparedEntry entry = d.entry(line);
                pending.add(entry);
                pendingBytes += entry.withoutLine().length;
                pendingLastId = log.eventId().toString();
                pendingLastCursor = d.cursor().toString();
            }
        }
    }

    private void merge(StatusEvent status) {
        if (status.job() != null) {
            Integer progress = status.job().progress() != null ? status.job().progress() : job.progress();
            job = new JobView(job.id(), status.job().status().wireName(), progress);
        }
        for (var step : status.steps()) {
            StepView old = steps.get(step.id());
            String name = step.name() != null ? step.name() : old != null ? old.name() : null;
            steps.put(step.id(), new StepView(step.id(), name, step.status().wireName()));
        }
    }

    private void flushLogs() throws IOException {
        if (!pending.isEmpty()) {
            sendLogs(pending, pendingFirstId, pendingLastId, pendingLastCursor);
            pending.clear();
            pendingBytes = 0;
        }
    }

    /** Stored entries (backlog, resume pages); an empty initial batch still goes out, with the counts. */
    private void sendEntries(List<LogEntry> entries, boolean evenIfEmpty) throws IOException {
        if (entries.isEmpty() && !evenIfEmpty) {
            return;
        }
        List<SseJson.PreparedEntry> json = new ArrayList<>(entries.size());
        entries.forEach(e -> json.add(new SseJson.PreparedEntry(e.line(), SseJson.logEntryWithoutLine(e))));
        sendLogs(json, entries.isEmpty() ? null : entries.getFirst().id(), entries.isEmpty() ? null : entries.getLast().id(),
            entries.isEmpty() ? null : entries.getLast().cursor());
    }

    /**
     * One {@code logs} event; its SSE id is the cursor of its last entry, which is where a
     * reconnecting EventSource resumes ({@code Last-Event-ID}).
     */
    private void sendLogs(List<SseJson.PreparedEntry> entries, String firstId, String lastId, String lastCursor)
        throws IOException {
        sentCount += entries.size();
        if (lastCursor != null) {
            lastSentCursor = lastCursor;
        }
        var meta = new LogsMeta(totalCount, displayedCount, displayedCount > sentCount, firstId, lastId);
        out.logs(lastCursor, entries, meta);
    }

    private void sendStatus() throws IOException {
        out.event(SseEvents.STATUS, null, new StatusPayload(job, List.copyOf(steps.values()), null));
    }

    /** Tells the client to reconnect from its cursor; nothing it has not seen was dropped silently. */
    private Disconnect reset(Disconnect reason) throws IOException {
        out.event(SseEvents.RESET, null, ResetPayload.of(reason, lastSentCursor));
        return reason;
    }

    /** Further pages of a resume, read from history after the first one. */
    interface BacklogPager {

        /** No further pages: a fresh connection, or a resume that fit in its first page. */
        BacklogPager NONE = new BacklogPager() {
            @Override
            public List<LogEntry> next() {
                return List.of();
            }

            @Override
            public boolean exhausted() {
                return false;
            }
        };

        /** The next page, oldest first; empty when the replay is over. */
        List<LogEntry> next();

        /** True when the replay stopped at its limit before reaching the end. */
        boolean exhausted();
    }

    /** The window between the stored history and the live tail, read when the backlog is out. */
    @FunctionalInterface
    interface Bridge {

        /** The job's events in the window, oldest first, or the reason it cannot be bridged. */
        KafkaBridge.Result<Delivery> open() throws InterruptedException;
    }
}
