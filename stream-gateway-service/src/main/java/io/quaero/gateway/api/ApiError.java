package io.quaero.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every 4xx answer.
 *
 * @param error     machine-readable kind, e.g. {@code bad_parameter}, {@code not_found}
 * @param parameter the request parameter at fault, when one is
 * @param message   what is wrong, for a human
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String parameter, String message) {
}
