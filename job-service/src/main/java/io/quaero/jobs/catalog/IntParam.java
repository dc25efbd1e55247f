package io.quaero.jobs.catalog;

/**
 * An integer parameter of a job type: its range and default. Integers cover every built-in type;
 * a job's params object is checked against these before the job is created.
 */
public record IntParam(String name, long min, long max, long defaultValue, String description) {

    public IntParam {
        if (min > max || defaultValue < min || defaultValue > max) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " outside " + min + ".." + max);
        }
    }
}
