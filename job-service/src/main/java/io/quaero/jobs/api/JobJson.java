package io.quaero.jobs.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quaero.jobs.store.JobRecord;

/**
 * A job as the API shows it. {@code status}, {@code progress}, {@code steps}, {@code started_at}
 * and {@code finished_at} come from the job's events (what ingest stored); live changes arrive on
 * the job's SSE stream ({@code links.stream}), so there is no need to poll this.
 *
 * @param steps    in the order they first appeared; omitted in lists
 * @param reason   why job-service ended the job itself (lost worker, idle external job, cancel)
 * @param team     the team whose members see the job (absent for a job first seen in events: admins only)
 * @param partition the job's partition of {@code quaero.job-events}, where its events are read
 *                 from: where its first event landed; omitted until it has one (an external job
 *                 whose worker has published nothing yet)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobJson(
    UUID id,
    String type,
    String executor,
    String team,
    @JsonRawValue String params,
    String status,
    Integer progress,
    @JsonProperty("cancel_requested") boolean cancelRequested,
    String worker,
    String reason,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("started_at") Instant startedAt,
    @JsonProperty("finished_at") Instant finishedAt,
    @JsonProperty("updated_at") Instant updatedAt,
    Integer partition,
    List<Step> steps,
    Map<String, String> links) {

    public record Step(String id, String name, String status) {
    }

    static JobJson of(JobRecord job, boolean withSteps) {
        String self = "/api/jobs/" + job.id();
        return new JobJson(job.id(), job.type(), job.executor() == null ? null : job.executor().wireName(), job.team(),
            job.paramsJson(), job.status(), job.progress(), job.cancelRequestedAt() != null, job.worker(), job.reason(),
            job.createdAt(), job.startedAt(), job.finishedAt(), job.updatedAt(), job.partition(),
            withSteps ? job.steps().stream().map(s -> new Step(s.id(), s.name(), s.status())).toList() : null,
            Map.of("self", self, "logs", self + "/logs", "stream", self + "/logs/stream",
                "download", self + "/logs/download", "cancel", self + "/cancel", "page", "/jobs/" + job.id()));
    }
}
