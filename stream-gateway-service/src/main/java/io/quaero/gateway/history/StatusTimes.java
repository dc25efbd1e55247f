package io.quaero.gateway.history;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * When the producer gave the stored job state its status, and each stored step its own ({@code
 * jobs.status_at}, {@code job_steps.status_at}): what a status copied to the job's partition is
 * compared with, as ingest compares it ({@code logstream.JobSource}).
 *
 * @param job   the job state's time, or null: none recorded (no status merged yet)
 * @param steps each step's, by step id; a step without one is absent
 */
public record StatusTimes(@Nullable Instant job, Map<String, Instant> steps) {

    public StatusTimes {
        steps = Map.copyOf(steps);
    }
}
