package io.quaero.gateway.tail;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.SseJson;

/**
 * One decoded job event handed to the connections watching its job, with its Kafka position.
 *
 * <p>A log event's JSON (all but its line number, which each connection adds) is made once, by
 * the first connection that sends it, and shared by the others: with a hundred viewers of a job,
 * serialising per connection was most of the gateway's CPU (see docs/BENCHMARKS.md). The race to
 * make it is benign: every thread computes the same bytes.
 */
public final class Delivery {

    private final JobEvent event;
    private final Cursor cursor;
    private volatile byte[] entryWithoutLine;

    public Delivery(JobEvent event, Cursor cursor) {
        this.event = event;
        this.cursor = cursor;
    }

    public JobEvent event() {
        return event;
    }

    public Cursor cursor() {
        return cursor;
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
}
