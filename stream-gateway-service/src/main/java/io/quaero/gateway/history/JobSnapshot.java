package io.quaero.gateway.history;

import java.util.List;
import java.util.Map;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.sse.JobView;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.StepView;
import io.quaero.masking.JobMasks;
import org.jspecify.annotations.Nullable;

/**
 * What Postgres knew about a job at one instant (one repeatable-read transaction): its status,
 * the entries a client starts with, the counts, and how far the stored log reaches.
 *
 * @param statusTimes    when the producer gave the job's status and each step's: a status copied
 *                       later is compared with them ({@link StatusTimes})
 * @param entries        backlog in chronological order
 * @param totalCount     entries of the job (of the step, when filtered by step)
 * @param displayedCount entries matching the whole filter
 * @param lastLine       line number of the job's last stored entry (0 if none)
 * @param partition      the job's partition of {@code quaero.job-events}: the recorded one, else
 *                       the resume cursor's (a gateway saw the job's events there), else null: no
 *                       event of the job is stored yet, and its first decides
 * @param storedUpTo     every record of that partition at or below this offset is stored (-1:
 *                       none); later ones must come from Kafka: the live tail or the bridge
 * @param storedUpToByPartition when {@code partition} is null, the same per partition (absent: -1),
 *                       read in the same transaction: where the job's first events may be unstored
 * @param truncated      true when {@code entries} stops before the end of the stored log
 * @param masks          the values the job's worker declared secret in what is stored (up to
 *                       {@code storedUpTo}): a live line after it is masked with these and those
 *                       declared after them
 * @param scannedTo      where a search's first page stopped at its bound ({@link LogPages.Page#scannedTo()})
 * @param countedFrom    where a search's count started ({@link LogPages.Page#countedFrom()})
 * @param refusal        why the resume cursor cannot be honoured, or null: retention dropped
 *                       lines after it ({@code cursor-expired}: a replay would skip them silently),
 *                       or it is in another partition than the job's ({@code unknown-cursor})
 */
public record JobSnapshot(
    JobView job,
    List<StepView> steps,
    StatusTimes statusTimes,
    List<LogEntry> entries,
    long totalCount,
    long displayedCount,
    long lastLine,
    @Nullable Integer partition,
    long storedUpTo,
    Map<Integer, Long> storedUpToByPartition,
    boolean truncated,
    JobMasks masks,
    @Nullable Cursor scannedTo,
    @Nullable Cursor countedFrom,
    @Nullable Disconnect refusal) {
}
