package io.quaero.jobs.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A job as stored: what job-service wrote when it was created, and what ingest derived from its
 * events (status, progress, steps, started/finished). {@code type} and {@code executor} are null
 * for a job that appeared only through events.
 *
 * @param paramsJson the parameters as a JSON object
 * @param partition  the job's partition of {@code quaero.job-events}: where its first event
 *                   landed; null until it has one
 * @param team       the team whose members see the job; null for a job first seen in events (admins only)
 * @param steps      in the order they first appeared; empty in list pages
 */
public record JobRecord(
    UUID id,
    @Nullable String type,
    @Nullable Executor executor,
    String paramsJson,
    String status,
    @Nullable Integer progress,
    @Nullable Instant cancelRequestedAt,
    @Nullable String worker,
    @Nullable String reason,
    Instant createdAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt,
    Instant updatedAt,
    @Nullable Integer partition,
    @Nullable String team,
    List<StepRecord> steps) {

    /** One step of a job, as merged by ingest from status events. */
    public record StepRecord(String id, @Nullable String name, String status) {
    }
}
