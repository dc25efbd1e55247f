package io.quaero.jobs.catalog;

import java.util.List;
import java.util.Optional;

/** A kind of job the built-in workers can run. */
public interface JobType {

    /** The {@code type} of {@code POST /api/jobs}, e.g. {@code "demo"}. */
    String name();

    /** A short human title for pick lists. */
    String title();

    /** What it does, one or two sentences. */
    String description();

    /** Its parameters; the params object of a request may only name these. */
    List<IntParam> params();

    /**
     * How many log lines a run with {@code params} will publish, when the type knows in advance;
     * empty when it cannot say. What {@code quaero.jobs.max-planned-lines} and
     * {@code max-unfinished-planned-lines} cap (docs/SECURITY.md, "Limits").
     */
    default Optional<PlannedLines> plannedLines(JobParams params) {
        return Optional.empty();
    }

    /** Runs the job to its end; returns normally for {@code completed}. */
    void run(JobRun run, JobParams params);
}
