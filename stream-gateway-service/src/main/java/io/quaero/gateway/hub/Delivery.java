package io.quaero.gateway.hub;

import java.time.Instant;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.ForwardedHeader;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.LogsDeletedEvent;
import io.quaero.contracts.event.MaskEvent;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.JobStatusChange;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseJson;
import io.quaero.masking.MaskValue;
import org.jspecify.annotations.Nullable;

/**
 * One decoded event handed to the connections of a channel, with its Kafka position and append
 * time: a log line (of a job, or of a service), a job's status event, a value its worker declared
 * secret (only its {@link MaskValue}: the value itself is dropped at decoding), or the mark of an
 * admin's deletion of its logs (for the job's viewers); or a status change of the status topic
 * (for the jobs feed).
 *
 * <p>A line's text is masked before anyone sees it (module masking: the job's declared values up
 * to the line and the patterns in force at its append time, the inputs ingest masks it with), and
 * its entry JSON (all but its line number, which each connection adds) is made once, by the first
 * connection that sends it, and shared by the others: with a hundred viewers of a job,
 * serialising per connection was most of the gateway's CPU (see docs/BENCHMARKS.md). The race to
 * make it is benign: every thread computes the same bytes. Both are kept with the number of values
 * the job had declared before the line when they were made: every connection reaches the same
 * values at the same place of the job's events (they are its events before the line), so one with
 * another number has a bug to show, not another's text to take, and computes its own. A status change's frame for the jobs
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
    /** The record's timestamp: the broker's append time, by which mask patterns apply. */
    private final long appendedAt;
    private final @Nullable Line line;
    private final @Nullable StatusEvent status;
    /** True for a job's event ingest copied to the job's partition from another ({@link ForwardedHeader}). */
    private final boolean copy;
    private final @Nullable MaskValue mask;
    private final boolean logsDeleted;
    private final int weightBytes;
    private final byte @Nullable [] feedFrame;
    /** A feed change's job's team (null: a job without one, or not a feed change). */
    private final @Nullable String team;
    /** The masked text and the entry made of it, once a connection made them. */
    private volatile @Nullable Shown shown;

    private record Shown(int declared, String text, byte @Nullable [] entryWithoutLine) {
    }

    /**
     * A job's event at {@code cursor} of the job events, appended at {@code appendedAt} (ms).
     *
     * @param copy true when ingest copied it there from another partition ({@link ForwardedHeader})
     */
    public Delivery(JobEvent event, Cursor cursor, long appendedAt, boolean copy) {
        this(cursor, event.timestamp(), appendedAt, switch (event) {
            case LogEvent log -> new Line(log.eventId().toString(), log.timestamp(), log.level(), log.message(), log.stepId(),
                log.stepName(), log.source());
            default -> null;
        }, event instanceof StatusEvent s ? s : null, copy,
            event instanceof MaskEvent m ? MaskValue.of(m.jobId(), m.value()) : null,
            event instanceof LogsDeletedEvent, null, null);
    }

    /** A service's log line at {@code offset} of the (one-partition) service logs, appended at {@code appendedAt} (ms). */
    public static Delivery of(ServiceLogEvent event, long offset, long appendedAt) {
        return new Delivery(new Cursor(0, offset), event.timestamp(), appendedAt, new Line(event.eventId().toString(),
            event.timestamp(), event.level(), event.message(), null, null, event.service() + "/" + event.instance()), null, false,
            null, false, null, null);
    }

    /**
     * A job's status change at {@code cursor} of the status topic, for the jobs feed.
     *
     * @param publishedAt when ingest published it (the record's timestamp)
     * @param team        the job's team (null: none; only admins see it)
     */
    public static Delivery feed(JobStatusChange change, Cursor cursor, Instant publishedAt, @Nullable String team) {
        return new Delivery(cursor, publishedAt, publishedAt.toEpochMilli(), null, null, false, null, false,
            SseJson.frame(SseEvents.STATUS, null, change), team);
    }

    private Delivery(Cursor cursor, Instant timestamp, long appendedAt, @Nullable Line line, @Nullable StatusEvent status,
                     boolean copy, @Nullable MaskValue mask, boolean logsDeleted, byte @Nullable [] feedFrame,
                     @Nullable String team) {
        this.team = team;
        this.cursor = cursor;
        this.timestamp = timestamp;
        this.appendedAt = appendedAt;
        this.line = line;
        this.status = status;
        this.copy = copy;
        this.mask = mask;
        this.logsDeleted = logsDeleted;
        this.feedFrame = feedFrame;
        long bytes;
        if (feedFrame != null) {
            // Only the frame is kept.
            bytes = feedFrame.length;
        } else if (line != null) {
            bytes = 4L * (line.message().length() + length(line.stepId()) + length(line.stepName()) + length(line.source()));
        } else if (status != null) {
            bytes = 4 * status.steps().stream().mapToLong(s -> 64 + s.id().length() + length(s.name())).sum();
        } else {
            // A mask's digest, or a deletion's mark.
            bytes = 64;
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

    /** True for a job's event ingest copied to the job's partition from another ({@link ForwardedHeader}). */
    public boolean copy() {
        return copy;
    }

    /** What is kept of a value the job's worker declared secret, or null for any other event. */
    public @Nullable MaskValue mask() {
        return mask;
    }

    /** True for the mark of an admin's deletion of the job's logs: every line before it is gone. */
    public boolean logsDeleted() {
        return logsDeleted;
    }

    /** True for an event that changes how a stream goes on, not only what it shows next: status, mask, deletion. */
    public boolean changesStream() {
        return status != null || mask != null || logsDeleted;
    }

    /** The record's append time (ms, the broker's clock): the mask patterns in force then apply to this line. */
    public long appendedAt() {
        return appendedAt;
    }

    /**
     * This line's text as shown: {@code mask} applied to its message, once for every connection
     * that masks with the same {@code declared} values (the job's count before the line; 0 for
     * the service logs).
     */
    public String text(int declared, java.util.function.UnaryOperator<String> mask) {
        Shown s = shown;
        if (s != null && s.declared() == declared) {
            return s.text();
        }
        String text = mask.apply(line.message());
        if (s == null) {
            shown = new Shown(declared, text, null);
        }
        return text;
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

    /** This (log) event as an entry of a {@code logs} event at the given line, showing {@code text} (from {@link #text}). */
    public SseJson.PreparedEntry entry(long lineNumber, String text) {
        Shown s = shown;
        byte[] fields = s != null && s.text() == text ? s.entryWithoutLine() : null;
        if (fields == null) {
            fields = SseJson.logEntryWithoutLine(new LogEntry(line.eventId(), cursor.toString(), lineNumber,
                line.timestamp(), line.level().wireName(), text, line.stepId(), line.stepName(), line.source()));
            if (s != null && s.text() == text) {
                shown = new Shown(s.declared(), text, fields);
            }
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
