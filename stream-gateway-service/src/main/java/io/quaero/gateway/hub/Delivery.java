package io.quaero.gateway.hub;

import java.time.Instant;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.JobStatusChange;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseJson;
import org.jspecify.annotations.Nullable;

/**
 * One decoded event handed to the connections of a channel, with its Kafka position: a log line
 * (of a job, or of a service), a job's status event (for the job's viewers), or a status change
 * of the status topic (for the jobs feed).
 *
 * <p>A line's entry JSON (all but its line number, which each connection adds) is made once, by
 * the first connection that sends it, and shared by the others: with a hundred viewers of a job,
 * serialising per connection was most of the gateway's CPU (see docs/BENCHMARKS.md). The race to
 * make it is benign: every thread computes the same bytes. A status change's frame for the jobs
 * feed is the same for every feed connection, so it is a whole SSE frame, made once by the tail.
 */
public final class Delivery {

    /** A log line as every stream shows it, whoever wrote it. */
    public record Line(String eventId, Instant timestamp, Level level, String message, @Nullable String stepId,
                       @Nullable String stepName, @Nullable String source) {
    }

    /** Objects, ids and the timestamp of one event, shared entry included. */
    private static final int FIXED_BYTES = 512;

    private final Cursor cursor;
    private final Instant timestamp;
    private final @Nullable Line line;
    private final @Nullable StatusEvent status;
    private final int weightBytes;
    private final byte @Nullable [] feedFrame;
    /** A feed change's job's team (null: a job without one, or not a feed change). */
    private final @Nullable String team;
    private volatile byte[] entryWithoutLine;

    /** A job's event at {@code cursor} of the job events. */
    public Delivery(JobEvent event, Cursor cursor) {
        this(cursor, event.timestamp(), event instanceof LogEvent log ? new Line(log.eventId().toString(), log.timestamp(),
            log.level(), log.message(), log.stepId(), log.stepName(), log.source()) : null,
            event instanceof StatusEvent s ? s : null, null, null);
    }

    /** A service's log line at {@code offset} of the (one-partition) service logs. */
    public static Delivery of(ServiceLogEvent event, long offset) {
        return new Delivery(new Cursor(0, offset), event.timestamp(), new Line(event.eventId().toString(), event.timestamp(),
            event.level(), event.message(), null, null, event.service() + "/" + event.instance()), null, null, null);
    }

    /**
     * A job's status change at {@code cursor} of the status topic, for the jobs feed.
     *
     * @param publishedAt when ingest published it (the record's timestamp)
     * @param team        the job's team (null: none; only admins see it)
     */
    public static Delivery feed(JobStatusChange change, Cursor cursor, Instant publishedAt, @Nullable String team) {
        return new Delivery(cursor, publishedAt, null, null, SseJson.frame(SseEvents.STATUS, null, change), team);
    }

    private Delivery(Cursor cursor, Instant timestamp, @Nullable Line line, @Nullable StatusEvent status,
                     byte @Nullable [] feedFrame, @Nullable String team) {
        this.team = team;
        this.cursor = cursor;
        this.timestamp = timestamp;
        this.line = line;
        this.status = status;
        this.feedFrame = feedFrame;
        long bytes;
        if (feedFrame != null) {
            // Only the frame is kept.
            bytes = feedFrame.length;
        } else {
            long chars = line != null
                ? line.message().length() + length(line.stepId()) + length(line.stepName()) + length(line.source())
                : status.steps().stream().mapToLong(s -> 64 + s.id().length() + length(s.name())).sum();
            bytes = 4 * chars;
        }
        this.weightBytes = (int) Math.min(Integer.MAX_VALUE, FIXED_BYTES + bytes);
    }

    private static int length(@Nullable String s) {
        return s == null ? 0 : s.length();
    }

    public Cursor cursor() {
        return cursor;
    }

    /** When the event happened, by its producer's clock. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The log line, or null for a status change. */
    public @Nullable Line line() {
        return line;
    }

    /** The job's status event, or null for a log line or a feed's status change. */
    public @Nullable StatusEvent status() {
        return status;
    }

    /**
     * Roughly the bytes this delivery holds, for the byte bounds of connection queues and rings:
     * its text twice (as a String, then as the shared entry JSON) plus a fixed allowance for
     * the objects around it. An estimate, not an exact count: what it must get right is that a
     * 64 KiB line weighs a thousand times a short one.
     */
    public int weightBytes() {
        return weightBytes;
    }

    /** This (log) event as an entry of a {@code logs} event at the given line. */
    public SseJson.PreparedEntry entry(long lineNumber) {
        byte[] fields = entryWithoutLine;
        if (fields == null) {
            fields = SseJson.logEntryWithoutLine(new LogEntry(line.eventId(), cursor.toString(), lineNumber,
                line.timestamp(), line.level().wireName(), line.message(), line.stepId(), line.stepName(), line.source()));
            entryWithoutLine = fields;
        }
        return new SseJson.PreparedEntry(lineNumber, fields);
    }

    /**
     * This (feed) change as a whole {@code status} frame of the jobs feed: the delta as the status
     * topic carried it, naming its job even when only steps changed ({@link JobStatusChange}). The
     * same bytes for every feed connection.
     */
    public byte[] feedFrame() {
        return feedFrame;
    }

    /** A feed change's job's team: a feed shows it only to that team's members and admins. */
    public @Nullable String team() {
        return team;
    }
}
