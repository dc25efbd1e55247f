package io.quaero.jobs.catalog;

import java.util.List;

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

    /** Runs the job to its end; returns normally for {@code completed}. */
    void run(JobRun run, JobParams params);
}
