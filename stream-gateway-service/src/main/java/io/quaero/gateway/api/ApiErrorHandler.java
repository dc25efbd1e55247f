package io.quaero.gateway.api;

import io.quaero.contracts.ApiError;
import java.util.concurrent.ThreadLocalRandom;

import io.quaero.gateway.hub.Admission;
import io.quaero.gateway.hub.TooManyConnectionsException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Turns request problems into 4xx JSON before any stream starts. */
@RestControllerAdvice(basePackages = "io.quaero.gateway")
class ApiErrorHandler {

    @ExceptionHandler
    ResponseEntity<ApiError> badParameter(BadParameterException e) {
        return json(HttpStatus.BAD_REQUEST, new ApiError("bad_parameter", e.parameter(), e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> typeMismatch(MethodArgumentTypeMismatchException e) {
        return json(HttpStatus.BAD_REQUEST, new ApiError("bad_parameter", e.getName(),
            e.getName() + " is malformed: '" + e.getValue() + "'"));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> missing(MissingServletRequestParameterException e) {
        return json(HttpStatus.BAD_REQUEST, new ApiError("bad_parameter", e.getParameterName(), e.getMessage()));
    }

    /**
     * A stream {@link io.quaero.gateway.hub.Admission} refused: 503 when this instance is full (another
     * may not be), 429 naming what ran out when the caller's user or address holds enough streams.
     */
    @ExceptionHandler
    ResponseEntity<ApiError> full(TooManyConnectionsException e) {
        // Jittered, so the clients turned away do not all come back in the same second.
        long retryAfterSeconds = 1 + ThreadLocalRandom.current().nextLong(5);
        var body = switch (e.limit()) {
            case INSTANCE -> new ApiError(ApiError.TOO_MANY_CONNECTIONS, null, e.getMessage());
            case USER -> new ApiError(ApiError.TOO_MANY_STREAMS, ApiError.FIELD_USER, e.getMessage());
            case ADDRESS -> new ApiError(ApiError.TOO_MANY_STREAMS, ApiError.FIELD_ADDRESS, e.getMessage());
        };
        return ResponseEntity.status(e.limit() == Admission.Limit.INSTANCE ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.TOO_MANY_REQUESTS)
            .header("Retry-After", String.valueOf(retryAfterSeconds))
            .contentType(MediaType.APPLICATION_JSON)
            .body(body);
    }

    @ExceptionHandler
    ResponseEntity<ApiError> notFound(JobNotFoundException e) {
        return json(HttpStatus.NOT_FOUND, new ApiError("not_found", "id", e.getMessage()));
    }

    private static ResponseEntity<ApiError> json(HttpStatus status, ApiError body) {
        // Explicit type: the client may have asked for text/event-stream only.
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
