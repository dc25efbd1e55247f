package io.quaero.gateway.logstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import io.quaero.access.Standing;
import io.quaero.contracts.Cursor;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsMeta;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseJson;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.gateway.history.LogPages;
import io.quaero.gateway.hub.Batch;
import io.quaero.gateway.hub.Delivery;
import io.quaero.gateway.hub.KafkaBridge;
import io.quaero.gateway.hub.Subscriber;
import io.quaero.gateway.sse.Deliveries;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.sse.StreamLoop;
import org.jspecify.annotations.Nullable;

/**
 * One browser's stream of a log — a job's, or the services' — run on the request's own virtual
 * thread: status, stored backlog (and further resume pages), the bridged window, then the live
 * tail through {@link StreamLoop}. On a status change pending logs are flushed first, then
 * {@code status} is sent, so a status is never seen before the logs that preceded it. What differs
 * between a job and the service logs (status, numbering, refused records) is the {@link LogSource}.
 *
 * <p>Where each event comes from. The subscription was made before the snapshot was read; the
 * snapshot says up to which offset of the log's partition everything is stored
 * ({@code storedUpTo}); the bridge brings the events from there up to where the live tail was
 * when we subscribed; the queue brings the rest. Events can arrive twice across these sources, so
 * every event at or below the highest offset already handled is dropped: a log is one partition,
 * and its offsets are its order. An event in another partition is not the log's (for a job: not
 * yet; ingest forwards it to the job's partition, and the copy is what counts) and is dropped too;
 * when no event was stored or resumed from, the partition is unknown and the first event that
 * comes decides it. Events the client already has (at or below its resume cursor) are numbered
 * and counted but not sent again. Counts start from the snapshot and grow with each new event,
 * never with a query per batch.
 */
final class LogSession implements StreamLoop.Sink {

    /**
     * Where the stored log ends, as the snapshot read it.
     *
     * @param partition      the log's partition, or null until its first event says
     * @param storedUpTo     every record of the partition at or below this offset is stored (-1: none)
     * @param lastLine       the line number of the last stored line (0: none)
     * @param totalCount     lines of the log (of the step, when filtered by step)
     * @param displayedCount lines matching the whole filter
     * @param since          the client's resume cursor, or null
     * @param scannedTo      where a search's first page stopped at its bound, or null
     *                       ({@link io.quaero.gateway.history.LogPages.Page#scannedTo()}): told in the first {@code logs} event
     * @param countedFrom    where a search's count started, or null
     *                       ({@link io.quaero.gateway.history.LogPages.Page#countedFrom()}): told in every {@code logs} event
     */
    record Start(@Nullable Integer partition, long storedUpTo, long lastLine, long totalCount, long displayedCount,
                 @Nullable Cursor since, @Nullable Cursor scannedTo, @Nullable Cursor countedFrom) {
    }

    private final Subscriber subscriber;
    private final SseWriter out;
    private final LogFilter filter;
    private final StreamProperties props;
    private final LogSource source;

    /** Entries waiting for the next flush, serialised but for their line (shared across connections). */
    private final List<SseJson.PreparedEntry> pending = new ArrayList<>();
    private String pendingFirstId;
    private String pendingLastId;
    private String pendingLastCursor;
    private long pendingBytes;
    private @Nullable Integer partition;
    /** Highest offset of {@code partition} handled: the snapshot's stored end, then each event's. */
    private long handledUpTo;
    /** The client's resume cursor offset: events up to it are counted, not sent. */
    private final long clientHas;
    private long lastLine;
    private long totalCount;
    private long displayedCount;
    /** Where a search's count started (null: it counted every line); matching lines before it may exist unsent. */
    private final @Nullable String countedFrom;
    /**
     * Where a search's first page stopped at its bound: said once, in the first {@code logs} event,
     * which {@link #open} always writes before any live batch (so a batch's state never holds it).
     */
    private @Nullable String scannedTo;
    private long sentCount;
    /** SSE id of the last entry sent: the cursor this client would resume from. */
    private String lastSentCursor;
    /** Events written ({@code logs} and {@code status}), to tell whether a batch wrote anything. */
    private long written;
    /** Set at the mark of an admin's deletion of the job's logs: nothing after it is taken, the stream ends. */
    private boolean logsDeleted;
    private final Deliveries deliveries;

    LogSession(Subscriber subscriber, SseWriter out, LogFilter filter, StreamProperties props, LogSource source,
               Start start, Deliveries deliveries) {
        this.subscriber = subscriber;
        this.deliveries = deliveries;
        this.out = out;
        this.filter = filter;
        this.props = props;
        this.source = source;
        this.partition = start.partition();
        this.handledUpTo = start.storedUpTo();
        this.clientHas = start.since() == null ? -1 : start.since().offset();
        this.lastLine = start.lastLine();
        this.totalCount = start.totalCount();
        this.displayedCount = start.displayedCount();
        this.countedFrom = start.countedFrom() == null ? null : start.countedFrom().toString();
        this.scannedTo = start.scannedTo() == null ? null : start.scannedTo().toString();
        this.lastSentCursor = start.since() == null ? null : start.since().toString();
    }

    /** A copy of {@code from}'s state that writes to {@code out}: what {@link #prepare} runs a batch through. */
    private LogSession(LogSession from, SseWriter out) {
        this.subscriber = from.subscriber;
        this.deliveries = from.deliveries;
        this.out = out;
        this.filter = from.filter;
        this.props = from.props;
        this.source = from.source;
        this.partition = from.partition;
        this.handledUpTo = from.handledUpTo;
        this.clientHas = from.clientHas;
        this.lastLine = from.lastLine;
        this.totalCount = from.totalCount;
        this.displayedCount = from.displayedCount;
        this.countedFrom = from.countedFrom;
        this.sentCount = from.sentCount;
        this.lastSentCursor = from.lastSentCursor;
    }

    /**
     * Sends the status, the stored backlog and the bridged window, then the live tail until the
     * connection ends (or the credential it was opened with lapses: {@code standing}).
     */
    Disconnect run(Opening opening, Standing standing) throws InterruptedException {
        try {
            Disconnect refused = open(opening);
            return refused != null ? refused : StreamLoop.run(subscriber, this, out, props, standing);
        } catch (IOException failed) {
            return SseWriter.cause(failed);
        }
    }

    /**
     * Sends the status, the stored backlog (and further resume pages) and the bridged window.
     *
     * @return null when the stream is live from here, else the reason of the reset it sent
     */
    @Nullable Disconnect open(Opening opening) throws IOException, InterruptedException {
        sendStatus();
        if (opening.refusal() != null) {
            return reset(opening.refusal());
        }
        sendEntries(opening.backlog(), true);
        for (List<LogEntry> page = opening.more().next(); !page.isEmpty(); page = opening.more().next()) {
            sendEntries(page, false);
        }
        if (opening.more().exhausted()) {
            return reset(Disconnect.TOO_FAR_BEHIND);
        }
        KafkaBridge.Result<Delivery> window = opening.bridge().open();
        if (window.resetReason() != null) {
            return reset(window.resetReason());
        }
        for (Delivery d : window.events()) {
            take(d);
        }
        flush();
        return logsDeleted ? reset(Disconnect.LOGS_DELETED) : null;
    }

    /** True when this stream met an admin's deletion of its job's logs (and so ends). */
    boolean metDeletion() {
        return logsDeleted;
    }

    /** The cursor this client would resume from: its last entry's, or the one it came with (null: none). */
    @Nullable String lastSentCursor() {
        return lastSentCursor;
    }

    /**
     * Writes one batch of the live tail. A connection whose output depends only on its position
     * and counts (no status change in the batch, nothing in it the client already has) writes the
     * bytes prepared for that state: the first connection in the state runs the batch through a
     * copy of itself ({@link #prepare}), every other one copies its bytes and its resulting
     * state. Either way the bytes are exactly what {@link #writeEach} would write.
     */
    @Override
    public boolean accept(Batch batch) throws IOException {
        long sentBefore = sentCount;
        try {
            return write(batch);
        } finally {
            deliveries.entries(sentCount - sentBefore);
        }
    }

    private boolean write(Batch batch) throws IOException {
        if (batch.hasStatus() || clientHas > handledUpTo) {
            return writeEach(batch);
        }
        Prepared p = batch.prepared(new State(filter, partition, handledUpTo, lastLine, totalCount, displayedCount,
            displayedCount - sentCount, countedFrom), k -> prepare(batch));
        if (p.bytes().length > 0) {
            out.prepared(p.bytes());
            lastSentCursor = p.sentUpTo() != null ? p.sentUpTo() : lastSentCursor;
        }
        partition = p.after().partition();
        handledUpTo = p.after().handledUpTo();
        lastLine = p.after().lastLine();
        totalCount = p.after().totalCount();
        displayedCount = p.after().displayedCount();
        sentCount = displayedCount - p.after().unsent();
        return p.bytes().length > 0;
    }

    /** What determines a batch's output for a connection without status changes in the batch. */
    private record State(LogFilter filter, @Nullable Integer partition, long handledUpTo, long lastLine, long totalCount,
                         long displayedCount, long unsent, @Nullable String countedFrom) {
    }

    /** A batch's output for connections in one {@link State}, and the state they are in after it. */
    private record Prepared(byte[] bytes, State after, @Nullable String sentUpTo) {
    }

    private Prepared prepare(Batch batch) {
        var buffer = new ByteArrayOutputStream();
        var copy = new LogSession(this, new SseWriter(buffer));
        try {
            copy.writeEach(batch);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        var after = new State(filter, copy.partition, copy.handledUpTo, copy.lastLine, copy.totalCount, copy.displayedCount,
            copy.displayedCount - copy.sentCount, copy.countedFrom);
        return new Prepared(buffer.toByteArray(), after, copy.written > 0 ? copy.lastSentCursor : null);
    }

    /** Writes a batch event by event, flushing at its end (the reference the shared path must match). */
    boolean writeEach(Batch batch) throws IOException {
        long before = written;
        for (Delivery d : batch.deliveries()) {
            take(d);
        }
        flush();
        if (logsDeleted) {
            // What this client was shown of the job may be gone: it starts over (the loop sends the reset).
            subscriber.end(Disconnect.LOGS_DELETED);
        }
        return written > before;
    }

    /**
     * Takes one event into the stream: a line is numbered, masked and queued; a status change
     * writes the waiting lines, then itself; a declared mask counts for every later line; an
     * admin's deletion of the logs ends the stream after what came before it.
     */
    private void take(Delivery d) throws IOException {
        if (logsDeleted) {
            return;
        }
        Cursor cursor = d.cursor();
        if (partition == null) {
            partition = cursor.partition();
        } else if (cursor.partition() != partition) {
            return;
        }
        if (cursor.offset() <= handledUpTo || source.refused(cursor)) {
            // Seen already, or refused by storage: stored history has no line for it either.
            return;
        }
        handledUpTo = cursor.offset();
        if (d.mask() != null) {
            source.declare(d.mask());
            return;
        }
        if (d.logsDeleted()) {
            logsDeleted = true;
            return;
        }
        Delivery.Line line = d.line();
        if (line != null) {
            add(d, line, cursor.offset() > clientHas);
            if (pending.size() >= props.maxLimit() || pendingBytes >= LogPages.MAX_PAGE_BYTES) {
                // One logs event is bounded in entries and in bytes (big lines).
                flush();
            }
            return;
        }
        flush();
        source.merge(d.status(), d.copy());
        sendStatus();
    }

    private void add(Delivery d, Delivery.Line line, boolean send) {
        long number = source.lineOf(d, lastLine);
        lastLine = number;
        if (!filter.matchesStep(line.stepId())) {
            return;
        }
        totalCount++;
        // Filtered by the masked text, as the database's search sees the stored one.
        String text = source.text(d);
        if (filter.matches(line.level(), text)) {
            displayedCount++;
            if (send) {
                if (pending.isEmpty()) {
                    pendingFirstId = line.eventId();
                }
                SseJson.PreparedEntry entry = d.entry(number, text);
                pending.add(entry);
                pendingBytes += entry.withoutLine().length;
                pendingLastId = line.eventId();
                pendingLastCursor = d.cursor().toString();
            }
        }
    }

    private void flush() throws IOException {
        if (!pending.isEmpty()) {
            sendLogs(pending, pendingFirstId, pendingLastId, pendingLastCursor);
            pending.clear();
            pendingBytes = 0;
        }
    }

    /** Tells the client to reconnect from its cursor (or to start over); nothing was dropped silently. */
    @Override
    public Disconnect reset(Disconnect reason) throws IOException {
        out.event(SseEvents.RESET, null, ResetPayload.of(reason, lastSentCursor));
        return reason;
    }

    /** Stored entries (backlog, resume pages); an empty initial batch still goes out, with the counts. */
    private void sendEntries(List<LogEntry> entries, boolean evenIfEmpty) throws IOException {
        if (entries.isEmpty() && !evenIfEmpty) {
            return;
        }
        List<SseJson.PreparedEntry> json = new ArrayList<>(entries.size());
        entries.forEach(e -> json.add(new SseJson.PreparedEntry(e.line(), SseJson.logEntryWithoutLine(e))));
        deliveries.entries(entries.size());
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
        written++;
        if (lastCursor != null) {
            lastSentCursor = lastCursor;
        }
        out.logs(lastCursor, entries, new LogsMeta(totalCount, displayedCount, displayedCount > sentCount || countedFrom != null,
            firstId, lastId, scannedTo, countedFrom));
        scannedTo = null;
    }

    private void sendStatus() throws IOException {
        written++;
        out.event(SseEvents.STATUS, null, source.status());
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

        /** The log's events in the window, oldest first, or the reason it cannot be bridged. */
        KafkaBridge.Result<Delivery> open() throws InterruptedException;
    }
}
