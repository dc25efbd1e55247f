package io.quaero.gateway.fetch;

import io.quaero.contracts.sse.SseJson;
import io.quaero.gateway.api.BadParameterException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.history.ServiceHistory;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/service/logs?level=&q=&limit=&since=&before=}: the service-logs stream's JSON
 * fallback, with the same page semantics as a job's ({@code next_cursor}, {@code has_more}).
 */
@RestController
class ServiceLogFetchController {

    private final ServiceHistory history;
    private final StreamProperties props;

    ServiceLogFetchController(ServiceHistory history, StreamProperties props) {
        this.history = history;
        this.props = props;
    }

    @GetMapping(path = "/api/service/logs", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> page(@RequestParam(required = false) String level,
                                @RequestParam(required = false) String q,
                                @RequestParam(required = false) String limit,
                                @RequestParam(required = false) String since,
                                @RequestParam(required = false) String before,
                                @RequestParam(required = false) String step) {
        if (step != null) {
            throw new BadParameterException("step", "service logs have no steps");
        }
        var query = PageQuery.parse(null, level, q, limit, since, before, props);
        var page = history.page(query.filter(), query.start(), query.limit());
        return ResponseEntity.ok()
            .contentType(MediaType.APPLICATION_JSON)
            .cacheControl(CacheControl.noCache())
            .body(SseJson.toJson(FetchPayload.of(query, page)));
    }
}
