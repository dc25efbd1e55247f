package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@value SseEvents#STATUS} event of the jobs feed ({@code GET /api/job-status/stream}): one
 * job's status event from Kafka, passed on as the delta it is. The same shape as a job stream's
 * {@link StatusPayload}, except that {@code job} is always present and always names the job,
 * while its {@code status} and {@code progress} are absent when this event did not change them (a
 * step-only change): {@link JobView} cannot say that, since it is a job's whole state.
 *
 * <pre>
 * {"job":{"id":"…","status":"running","progress":40}}
 * {"job":{"id":"…"},"steps":[{"id":"parse","name":"Parse","status":"running"}]}
 * </pre>
 *
 * @param job   which job changed and, when they changed, its status and progress
 * @param steps the steps that changed, to merge by id; absent when none did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatusChange(
        @JsonProperty("job") Job job,
        @JsonProperty("steps") @Nullable List<StepView> steps) {

    public JobStatusChange {
        Objects.requireNonNull(job, "job");
        steps = steps == null || steps.isEmpty() ? null : List.copyOf(steps);
    }

    /**
     * The job part of a change.
     *
     * @param id       the job id, always present
     * @param status   the {@link io.quaero.contracts.JobStatus} wire name, absent when unchanged
     * @param progress percent complete, absent when unchanged or unknown
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Job(
            @JsonProperty("id") String id,
            @JsonProperty("status") @Nullable String status,
            @JsonProperty("progress") @Nullable Integer progress) {

        public Job {
            Objects.requireNonNull(id, "id");
        }
    }
}
