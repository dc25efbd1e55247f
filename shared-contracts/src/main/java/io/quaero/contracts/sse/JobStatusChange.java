package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.StatusEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@value SseEvents#STATUS} event of the jobs feed ({@code GET /api/job-status/stream}), and
 * the value of a record on {@link io.quaero.contracts.Topics#JOB_STATUS}: one job's status event,
 * passed on as the delta it is ({@link #of}). The same shape as a job stream's
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

    /** The change a status event makes, as the worker (or job-service, or the reaper) published it. */
    public static JobStatusChange of(StatusEvent event) {
        JobState job = event.job();
        return new JobStatusChange(
            new Job(event.jobId().toString(), job == null ? null : job.status().wireName(), job == null ? null : job.progress()),
            event.steps().stream().map(s -> new StepView(s.id(), s.name(), s.status().wireName())).toList());
    }

    /** This change as single-line UTF-8 JSON: a record value on the status topic, and the feed event's data. */
    public byte[] toJson() {
        return SseJson.toJson(this);
    }

    /**
     * Reads a record value of the status topic, strictly (an unknown field fails).
     *
     * @throws IllegalArgumentException for anything that is not such a change, whatever it holds
     */
    public static JobStatusChange fromJson(byte @Nullable [] json) {
        if (json == null) {
            throw new IllegalArgumentException("no JobStatusChange: no content (a null value)");
        }
        try {
            return SseJson.fromJson(new String(json, StandardCharsets.UTF_8), JobStatusChange.class);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // Total, like EventCodec: a reader of the topic sees one typed error, never a parser's.
            throw new IllegalArgumentException("no JobStatusChange: " + e, e);
        }
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
