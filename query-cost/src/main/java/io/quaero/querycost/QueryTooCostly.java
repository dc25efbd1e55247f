package io.quaero.querycost;

import java.util.List;

import io.quaero.contracts.ApiError;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A query PostgreSQL cancelled (SQLSTATE 57014, which Spring translates to
 * {@link QueryTimeoutException}: the statement timeout fired) is answered
 * {@code 422 {"error":"query_too_costly","field":"q",…}}: what the request asked for costs more than
 * a request may, and the field says which parameter to narrow. Never a 5xx: the server is fine, and
 * repeating the same request would fail the same way.
 *
 * <p>Ordered first, so it wins over a service's own handler of every {@code DataAccessException}
 * (job-service answers those 503: the database is down, try again). A stream that has started
 * cannot answer with a status any more; it ends with a {@code reset} instead (the gateway's
 * {@code LogStreamController} and {@code ResumePager}).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class QueryTooCostly {

    /**
     * The request parameters that make a query read more, most costly first: the field named is the
     * first of these the request carries. A search term reads rows it then discards; a level or a
     * step narrows through an index; the rest only move or size the page.
     */
    static final List<String> COSTLY_PARAMETERS = List.of("q", "level", "step", "channels", "status", "type", "before",
        "since", "limit");

    private static final Logger log = LoggerFactory.getLogger(QueryTooCostly.class);

    @ExceptionHandler
    ResponseEntity<ApiError> tooCostly(QueryTimeoutException e, HttpServletRequest request) {
        String field = costlyParameter(request);
        // The path only: the query string holds search terms, which are the caller's data.
        log.warn("{} {}: the database cancelled its query (statement timeout); answered 422 naming {}",
            request.getMethod(), request.getRequestURI(), field == null ? "no parameter" : field);
        return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).contentType(MediaType.APPLICATION_JSON)
            .body(new ApiError(ApiError.QUERY_TOO_COSTLY, field, field == null
                ? "the database stopped this request's query: it ran longer than a request may; try again later"
                : "the database stopped this request's query: it ran longer than a request may; narrow " + field
                    + " (a longer search term, a step or a level) and try again"));
    }

    /** The most costly parameter the request carries, or null when it has none of them. */
    static @Nullable String costlyParameter(HttpServletRequest request) {
        return COSTLY_PARAMETERS.stream().filter(p -> {
            String v = request.getParameter(p);
            return v != null && !v.isBlank();
        }).findFirst().orElse(null);
    }
}
