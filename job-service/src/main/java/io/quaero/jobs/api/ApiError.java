package io.quaero.jobs.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every 4xx and 503 answer of the jobs API.
 *
 * @param error   machine-readable kind: {@code bad_request}, {@code not_found}, {@code conflict},
 *                {@code unavailable}
 * @param field   the request field or parameter at fault, e.g. {@code params.rate}, when one is
 * @param message what is wrong, for a human
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field, String message) {
}
