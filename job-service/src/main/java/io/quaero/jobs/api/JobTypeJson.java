package io.quaero.jobs.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quaero.jobs.catalog.IntParam;
import io.quaero.jobs.catalog.JobType;

/**
 * A runnable job type for {@code GET /api/job-types}. {@code params} is a JSON Schema of the
 * params object, so a client can build a form from it and check values before sending them.
 */
public record JobTypeJson(String type, String title, String description, String executor, Map<String, Object> params) {

    static JobTypeJson of(JobType type) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (IntParam p : type.params()) {
            properties.put(p.name(), new ParamSchema("integer", p.min(), p.max(), p.defaultValue(), p.description()));
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        schema.put("properties", properties);
        return new JobTypeJson(type.name(), type.title(), type.description(), "builtin", schema);
    }

    record ParamSchema(String type, long minimum, long maximum, @JsonProperty("default") long defaultValue,
                       String description) {
    }

    static List<JobTypeJson> of(List<JobType> types) {
        return types.stream().map(JobTypeJson::of).toList();
    }
}
