package io.quaero.jobs.catalog;

import java.util.Map;

/** A built-in job's parameters, validated and completed with defaults. */
public record JobParams(Map<String, Long> values) {

    public JobParams {
        values = Map.copyOf(values);
    }

    /** A declared parameter's value; asking for an undeclared one is a programming error. */
    public long get(String name) {
        Long value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return value;
    }
}
