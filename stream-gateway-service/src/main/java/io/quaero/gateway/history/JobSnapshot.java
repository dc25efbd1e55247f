package io.quaero.gateway.history;

import java.util.List;

import io.quaero.contracts.sse.JobView;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.StepView;

/**
 * What Postgres knew about a job at one instant (one repeatable-read transaction): its status,
 * the entries a client starts with, the counts, and how far the stored log reaches.
 *
 * @param entries        backlog in chronological order
 * @param totalCount     entries of the job (of the step, when filtered by step)
 * @param displayedCount entries matching the whole filter
 * @param lastLine       line number of the job's last stored entry (0 if none)
 * @param partition      the job's partition of {@code quaero.job-events}
 * @param storedUpTo     every record of that partition at or below this offset is stored (-1:
 *                       none); later ones must come from Kafka: the live tail or the bridge
 * @param truncated      true when {@code entries} stops before the end of the stored log
 * @param sinceExpired   the resume cursor points before lines that retention has dropped: a
 *                       replay from it would skip them silently, so the client must be told
 */
public record JobSnapshot(
    JobView job,
    List<StepView> steps,
    List<LogEntry> entries,
    long totalCount,
    long displayedCount,
    long lastLine,
    int partition,
    long storedUpTo,
    boolean truncated,
    boolean sinceExpired) {
}
