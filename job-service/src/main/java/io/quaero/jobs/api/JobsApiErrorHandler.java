package io.quaero.jobs.api;

import io.quaero.contracts.ApiError;
import io.quaero.jobs.events.JobEvents;
import io.quaero.jobs.events.JobPartitions;
import io.quaero.jobs.limits.TooManyJobsException;
import io.quaero.jobs.limits.TooMuchLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Every failure of the jobs API as JSON naming the field at fault; infrastructure outages as 503. */
@RestControllerAdvice(basePackages = "io.quaero.jobs")
class JobsApiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(JobsApiErrorHandler.class);

    @ExceptionHandler
    ResponseEntity<ApiError> badRequest(BadRequestException e) {
        return json(HttpStatus.BAD_REQUEST, new ApiError("bad_request", e.field(), e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        return json(HttpStatus.BAD_REQUEST, new ApiError("bad_request", "$",
            "the body is not valid JSON: " + (cause == null ? e.getMessage() : cause.getMessage())));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e) {
        return json(HttpStatus.UNSUPPORTED_MEDIA_TYPE, new ApiError("unsupported_media_type", "Content-Type",
            "send the body as application/json"));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> typeMismatch(MethodArgumentTypeMismatchException e) {
        return json(HttpStatus.BAD_REQUEST, new ApiError("bad_request", e.getName(),
            e.getName() + " is malformed: '" + e.getValue() + "'"));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> missing(MissingServletRequestParameterException e) {
        return json(HttpStatus.BAD_REQUEST, new ApiError("bad_request", e.getParameterName(), e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> notFound(NotFoundException e) {
        return json(HttpStatus.NOT_FOUND, new ApiError("not_found", e.field(), e.getMessage()));
    }

    @ExceptionHandler
    ResponseEntity<ApiError> conflict(ConflictException e) {
        return json(HttpStatus.CONFLICT, new ApiError("conflict", e.field(), e.getMessage()));
    }

    /** Past the caller's rate of job creation: when the next one is allowed is in {@code Retry-After}. */
    @ExceptionHandler
    ResponseEntity<ApiError> tooManyJobs(TooManyJobsException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
            .header("Retry-After", String.valueOf(e.retryAfterSeconds()))
            .contentType(MediaType.APPLICATION_JSON)
            .body(new ApiError(ApiError.TOO_MANY_JOBS, ApiError.FIELD_USER, e.getMessage()));
    }

    /**
     * The caller's unfinished jobs plan as many lines as allowed. No {@code Retry-After}: it depends
     * on when one of them ends, which the jobs list shows.
     */
    @ExceptionHandler
    ResponseEntity<ApiError> tooMuchLoad(TooMuchLoadException e) {
        return json(HttpStatus.TOO_MANY_REQUESTS, new ApiError(ApiError.TOO_MUCH_LOAD, e.field(), e.getMessage()));
    }

    /** Kafka or the database is down: nothing was changed (the transaction rolled back); retry later. */
    @ExceptionHandler({JobEvents.PublishFailedException.class, DataAccessException.class})
    ResponseEntity<ApiError> unavailable(RuntimeException e) {
        log.warn("request failed, nothing changed: {}", e.toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header("Retry-After", "5")
            .contentType(MediaType.APPLICATION_JSON)
            .body(new ApiError("unavailable", null, "Kafka or the database is unavailable; nothing was changed, try again"));
    }

    /** An external job's partition cannot be known while ingest is behind: nothing was changed; retry. */
    @ExceptionHandler
    ResponseEntity<ApiError> partitionUnknown(JobPartitions.PartitionUnknownException e) {
        log.warn("request refused, nothing changed: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
            .header("Retry-After", "5")
            .contentType(MediaType.APPLICATION_JSON)
            .body(new ApiError("unavailable", null, e.getMessage()));
    }

    private static ResponseEntity<ApiError> json(HttpStatus status, ApiError body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
