package io.quaero.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every 4xx (and 503) answer of every Quaero HTTP API, so one client handles
 * them all.
 *
 * @param error   machine-readable kind, e.g. {@code bad_request}, {@code bad_parameter},
 *                {@code not_found}, {@code unauthenticated}, {@code forbidden}, {@code unavailable},
 *                {@link #QUERY_TOO_COSTLY}
 * @param field   the request field, parameter or header at fault, when one is (e.g.
 *                {@code params.rate}, {@code Authorization})
 * @param message what is wrong, for a human
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field, String message) {

    /**
     * The database cancelled the request's query (its statement timeout): 422, {@code field} names
     * the parameter to narrow (module query-cost).
     */
    public static final String QUERY_TOO_COSTLY = "query_too_costly";
}
