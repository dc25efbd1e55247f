package io.quaero.jobs.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quaero.jobs.api.BadRequestException;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** The built-in job types, and the validation of a request's params against them. */
@Component
public class JobCatalog {

    private final Map<String, JobType> types = new LinkedHashMap<>();

    public JobCatalog(List<JobType> types) {
        types.forEach(t -> this.types.put(t.name(), t));
    }

    public List<JobType> types() {
        return List.copyOf(types.values());
    }

    public Optional<JobType> find(String name) {
        return Optional.ofNullable(types.get(name));
    }

    /**
     * Checks a request's {@code params} (absent or null means {}) against the type: only declared
     * names, integers within range; fills in defaults.
     *
     * @throws BadRequestException naming the offending field, e.g. {@code params.rate}
     */
    public static JobParams validate(JobType type, @Nullable JsonNode params) {
        if (params != null && !params.isNull() && !params.isObject()) {
            throw new BadRequestException("params", "params must be a JSON object");
        }
        Map<String, Long> values = new LinkedHashMap<>();
        Map<String, IntParam> declared = new LinkedHashMap<>();
        type.params().forEach(p -> declared.put(p.name(), p));
        if (params != null && params.isObject()) {
            for (String name : params.propertyNames()) {
                if (!declared.containsKey(name)) {
                    throw new BadRequestException("params." + name, "job type '" + type.name()
                        + "' has no parameter '" + name + "'; it takes " + declared.keySet());
                }
            }
        }
        for (IntParam p : declared.values()) {
            JsonNode value = params == null ? null : params.get(p.name());
            if (value == null || value.isNull()) {
                values.put(p.name(), p.defaultValue());
                continue;
            }
            if (!value.isIntegralNumber() && !(value.isNumber() && value.canConvertToExactIntegral())) {
                throw new BadRequestException("params." + p.name(), "params." + p.name() + " must be an integer, got " + value);
            }
            if (!value.canConvertToLong() || value.longValue() < p.min() || value.longValue() > p.max()) {
                throw new BadRequestException("params." + p.name(),
                    "params." + p.name() + " must be between " + p.min() + " and " + p.max() + ", got " + value);
            }
            values.put(p.name(), value.longValue());
        }
        return new JobParams(values);
    }
}
