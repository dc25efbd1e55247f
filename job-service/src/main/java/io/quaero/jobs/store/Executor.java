package io.quaero.jobs.store;

import java.util.Locale;

/** Who runs a job: a built-in worker of job-service, or the caller's own program. */
public enum Executor {
    BUILTIN,
    EXTERNAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, or returns null for anything else. */
    public static Executor fromWire(String wire) {
        for (Executor e : values()) {
            if (e.wireName().equals(wire)) {
                return e;
            }
        }
        return null;
    }
}
