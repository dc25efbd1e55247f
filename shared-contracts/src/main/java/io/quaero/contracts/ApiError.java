package io.quaero.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every 4xx (and 503) answer of every Quaero HTTP API, so one client handles
 * them all.
 *
 * @param error   machine-readable kind, e.g. {@code bad_request}, {@code bad_parameter},
 *                {@code not_found}, {@code unauthenticated}, {@code forbidden}, {@code unavailable},
 *                or one of the limits' below, or {@link #QUERY_TOO_COSTLY}
 * @param field   the request field, parameter or header at fault, when one is (e.g.
 *                {@code params.rate}, {@code Authorization}); for a limit, what ran out
 *                ({@link #FIELD_USER}, {@link #FIELD_ADDRESS})
 * @param message what is wrong, for a human
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field, String message) {

    /** 503 + {@code Retry-After}: this gateway serves as many streams as it may; another may not. */
    public static final String TOO_MANY_CONNECTIONS = "too_many_connections";
    /** 429 + {@code Retry-After}: the caller's user or client address has as many streams open here as allowed. */
    public static final String TOO_MANY_STREAMS = "too_many_streams";
    /** 429 + {@code Retry-After}: the caller created jobs faster than allowed; the header says when the next one may be. */
    public static final String TOO_MANY_JOBS = "too_many_jobs";
    /** 429: the caller's unfinished jobs plan so many lines that this one would pass the cap ({@code field}: the parameter to lower). */
    public static final String TOO_MUCH_LOAD = "too_much_load";
    /** 429 + {@code Retry-After}: too many wrong passwords in a row for this name or from this address; a password is checked again after the wait. */
    public static final String TOO_MANY_ATTEMPTS = "too_many_attempts";
    /** 413: the request body is larger than the service accepts; nothing of it was parsed. */
    public static final String BODY_TOO_LARGE = "body_too_large";

    /** The {@code field} of a limit counted per signed-in user. */
    public static final String FIELD_USER = "user";
    /** The {@code field} of a limit counted per client address. */
    public static final String FIELD_ADDRESS = "address";
    /**
     * The database cancelled the request's query (its statement timeout): 422, {@code field} names
     * the parameter to narrow (module query-cost).
     */
    public static final String QUERY_TOO_COSTLY = "query_too_costly";
}
