package io.quaero.gateway.tail;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.JobStatusChange;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseJson;
import io.quaero.contracts.sse.StepView;

/**
 * One decoded job event handed to the connections watching its job, with its Kafka position.
 *
 * <p>A log event's JSON (all but its line number, which each connection adds) is made once, by
 * the first connection that sends it, and shared by the others: with a hundred viewers of a job,
 * serialising per connection was most of the gateway's CPU (see docs/BENCHMARKS.md). A status
 * event's frame for the jobs feed is made the same way: it is the same for every feed connection,
 * so it is a whole SSE frame. The race to make either is benign: every thread computes the same
 * bytes.
 */
public final class Delivery {

    private final JobEvent event;
    private final Cursor cursor;
    private final int weightBytes;
    private volatile byte[] entryWithoutLine;
    private volatile byte[] feedFrame;

    public Delivery(JobEvent event, Cursor cursor) {
        this.event = event;
        this.cursor = cursor;
        this.weightBytes = weigh(event);
    }

    /** Objects, ids and the timestamp of one event, shared entry included. */
    private static final int FIXED_BYTES = 512;

    private static int weigh(JobEvent event) {
        long chars = switch (event) {
            case LogEvent log -> log.message().length() + length(log.stepId()) + length(log.stepName()) + length(log.source());
            case StatusEvent status -> status.steps().stream().mapToLong(s -> 64 + s.id().length() + length(s.name())).sum();
        };
        return (int) Math.min(Integer.MAX_VALUE, FIXED_BYTES + 4 * chars);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    public JobEvent event() {
        return event;
    }

    public Cursor cursor() {
        return cursor;
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
    public SseJson.PreparedEntry entry(long line) {
        byte[] fields = entryWithoutLine;
        if (fields == null) {
            var log = (LogEvent) event;
            fields = SseJson.logEntryWithoutLine(new LogEntry(log.eventId().toString(), cursor.toString(), line,
                log.timestamp(), log.level().wireName(), log.message(), log.stepId(), log.stepName(), log.source()));
            entryWithoutLine = fields;
        }
        return new SseJson.PreparedEntry(line, fields);
    }

    /**
     * This (status) event as a whole {@code status} frame of the jobs feed: the delta as Kafka
     * carried it, naming its job even when only steps changed ({@link JobStatusChange}).
     */
    public byte[] feedFrame() {
        byte[] frame = feedFrame;
        if (frame == null) {
            var status = (StatusEvent) event;
            var job = status.job();
            var change = new JobStatusChange(
                new JobStatusChange.Job(status.jobId().toString(), job == null ? null : job.status().wireName(),
                    job == null ? null : job.progress()),
                status.steps().stream().map(s -> new StepView(s.id(), s.name(), s.status().wireName())).toList());
            frame = SseJson.frame(SseEvents.STATUS, null, change);
            feedFrame = frame;
        }
        return frame;
    }
}
