package io.quaero.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every 4xx answer.
 *
 * @param error     machine-readable kind, e.g. {@code bad_parameter}, {@code not_found}
 * @param field     the request parameter (or header) at fault, when one is; named "field" as in
 *                  every Quaero API error, so one client handles them all
 * @param message   what is wrong, for a human
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field, String message) {
}
