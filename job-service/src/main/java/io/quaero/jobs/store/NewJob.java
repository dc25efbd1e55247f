package io.quaero.jobs.store;

import io.quaero.jobs.catalog.PlannedLines;
import org.jspecify.annotations.Nullable;

/**
 * A job as {@code POST /api/jobs} asks for it, checked.
 *
 * @param paramsJson   the params as stored (a built-in type's completed with defaults)
 * @param createdBy    the {@code users.id} of who asked: per-user limits count from it
 * @param planned      the lines the job will publish when its type knows in advance, else null
 */
public record NewJob(String type, Executor executor, String paramsJson, String team, long createdBy,
                     @Nullable PlannedLines planned) {
}
