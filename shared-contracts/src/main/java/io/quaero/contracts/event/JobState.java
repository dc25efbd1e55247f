package io.quaero.contracts.event;

import io.quaero.contracts.JobStatus;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The job-level part of a {@link StatusEvent}.
 *
 * @param progress percent complete, 0 to 100, if the worker can tell
 */
public record JobState(JobStatus status, @Nullable Integer progress) {

    public JobState {
        Objects.requireNonNull(status, "job.status");
        if (progress != null && (progress < 0 || progress > 100)) {
            throw new IllegalArgumentException("job.progress: must be between 0 and 100, got " + progress);
        }
    }
}
