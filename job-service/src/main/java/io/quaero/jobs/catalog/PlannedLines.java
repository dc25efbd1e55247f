package io.quaero.jobs.catalog;

/**
 * The log lines a run of a built-in job will publish, known before it starts, and the parameter a
 * caller would lower to publish fewer (the limits name it when they refuse the job).
 *
 * @param param a parameter of the job's type, e.g. {@code duration_s}
 */
public record PlannedLines(long lines, String param) {

    public PlannedLines {
        if (lines < 0) {
            throw new IllegalArgumentException("planned lines must be >= 0, was " + lines);
        }
    }
}
