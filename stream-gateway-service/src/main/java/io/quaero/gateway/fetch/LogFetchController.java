package io.quaero.gateway.fetch;

import java.io.IOException;
import java.util.UUID;

import io.quaero.contracts.ApiError;
import io.quaero.contracts.sse.SseJson;
import io.quaero.gateway.api.BadParameterException;
import io.quaero.gateway.api.JobNotFoundException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.history.JobHistory;
import io.quaero.gateway.history.LogPages;
import io.quaero.gateway.history.ServiceHistory;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The logs over plain HTTP, for the page's watchdog, paging and downloads:
 * {@code GET /api/jobs/{id}/logs} and {@code GET /api/service/logs}: one page as JSON, with the
 * same page semantics ({@code next_cursor}, {@code has_more}); {@code GET /api/jobs/{id}/logs/download}:
 * the whole filtered log as a text file. Every parameter and the job are checked before the
 * response starts, so a problem is a 4xx JSON body exactly as on the stream; another team's job is
 * a 404, as one that does not exist (the service logs are for admins: the access table).
 */
@RestController
record LogFetchController(LogPages pages, JobHistory history, ServiceHistory services, StreamProperties props,
                          DownloadAudit audit) {

    private static final Logger log = LoggerFactory.getLogger(LogFetchController.class);

    /**
     * Without a cursor, the newest {@code limit} matching entries; with {@code since}, the ones
     * after it; with {@code before}, the newest ones before it. Always oldest first.
     */
    @GetMapping(path = "/api/jobs/{id}/logs", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> page(@PathVariable UUID id,
                                @RequestParam(required = false) String step,
                                @RequestParam(required = false) String level,
                                @RequestParam(required = false) String q,
                                @RequestParam(required = false) String limit,
                                @RequestParam(required = false) String since,
                                @RequestParam(required = false) String before) {
        var query = PageQuery.parse(step, level, q, limit, since, before, props);
        history.visible(id);
        LogPages.Page page = pages.page(id, query.filter(), query.start(), query.limit())
            .orElseThrow(() -> new JobNotFoundException(id));
        // Serialised by the mapper the stream uses, so the body is byte for byte what a logs event carries.
        return json(query, page);
    }

    /** The service-logs stream's fallback: a page of the platform's own logs. */
    @GetMapping(path = "/api/service/logs", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> servicePage(@RequestParam(required = false) String level,
                                       @RequestParam(required = false) String q,
                                       @RequestParam(required = false) String limit,
                                       @RequestParam(required = false) String since,
                                       @RequestParam(required = false) String before,
                                       @RequestParam(required = false) String step) {
        if (step != null) {
            throw new BadParameterException("step", "service logs have no steps");
        }
        var query = PageQuery.parse(null, level, q, limit, since, before, props);
        return json(query, services.page(query.filter(), query.start(), query.limit()));
    }

    private static ResponseEntity<byte[]> json(PageQuery query, LogPages.Page page) {
        return ResponseEntity.ok()
            .contentType(MediaType.APPLICATION_JSON)
            // A cached page would hide new lines from the watchdog that fetches this.
            .cacheControl(CacheControl.noCache())
            .body(SseJson.toJson(FetchPayload.of(query, page)));
    }

    /** A download that could not be recorded was not made: 503, try again. */
    @ExceptionHandler
    ResponseEntity<ApiError> unrecorded(DownloadAudit.Unrecorded e) {
        log.warn("download refused: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
            .contentType(MediaType.APPLICATION_JSON).body(new ApiError("unavailable", null, e.getMessage()));
    }

    /**
     * The whole log (no {@code limit}: a download is every matching line, paged internally by
     * {@code max-limit}), up to the last entry stored when the request came.
     *
     * <p><b>Terminal escape sequences are stripped</b>, not kept: ANSI colours, cursor movement,
     * OSC sequences (window title, clipboard, hyperlinks) and every other control character but
     * tab and line feed, carriage return included ({@link TerminalText}). A worker's output must
     * not be able to act on the terminal of whoever runs {@code cat} or {@code tail} on the file;
     * the live page still shows the colours. Each line is
     * {@code <line> <timestamp> <LEVEL> [<step>] <message>} ({@link TextLine}), its text as stored:
     * masked.
     *
     * <p><b>Audited</b>: the download is recorded ({@link DownloadAudit}) before it starts, or
     * refused with 503 when it cannot be.
     *
     * <p>Written straight to the response on the request's virtual thread rather than through a
     * {@code StreamingResponseBody}: that would be an async request, and the async timeout would
     * cut a long download short.
     */
    @GetMapping("/api/jobs/{id}/logs/download")
    void download(@PathVariable UUID id,
                  @RequestParam(required = false) String step,
                  @RequestParam(required = false) String level,
                  @RequestParam(required = false) String q,
                  HttpServletResponse response) {
        writeText(id, step, level, q, ContentDisposition.attachment().filename("job-" + id + ".log").build(), response);
    }

    /**
     * The same text as the download, shown in the browser's own tab ({@code inline}): the job
     * page's "raw" view. Served as {@code text/plain} with {@code nosniff} (module browser-policy),
     * so no browser renders a line as markup.
     */
    @GetMapping("/api/jobs/{id}/logs/raw")
    void raw(@PathVariable UUID id,
             @RequestParam(required = false) String step,
             @RequestParam(required = false) String level,
             @RequestParam(required = false) String q,
             HttpServletResponse response) {
        writeText(id, step, level, q, ContentDisposition.inline().build(), response);
    }

    private void writeText(UUID id, String step, String level, String q, ContentDisposition disposition,
                           HttpServletResponse response) {
        var filter = LogQuery.parse(step, level, q, null, null, null, props).filter();
        var job = history.visible(id);
        long upTo = pages.lastOffset(id).orElseThrow(() -> new JobNotFoundException(id));
        audit.downloading(id, job.team(), filter);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, disposition.toString());
        try {
            new LogDownload(pages, id, filter, upTo, props.maxLimit(), props.searchScanRows()).writeTo(response.getOutputStream());
        } catch (IOException clientGone) {
            log.debug("client left during the download of job {}", id);
        }
    }
}
