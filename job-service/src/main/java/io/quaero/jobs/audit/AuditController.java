package io.quaero.jobs.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.quaero.access.Names;
import io.quaero.contracts.audit.AuditAction;
import io.quaero.jobs.api.BadRequestException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/admin/audit} (admins only, by the access table): the audit log, newest first,
 * {@code limit} (1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) entries a page, the
 * next page from the {@code next_cursor} as {@code before}; filters {@code actor}, {@code action}
 * and {@code job}. Each parameter is checked: a bad one is a 400 naming it.
 */
@RestController
class AuditController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final AuditLog log;

    AuditController(AuditLog log) {
        this.log = log;
    }

    @GetMapping(path = "/api/admin/audit", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> audit(@RequestParam(required = false) @Nullable String actor,
                              @RequestParam(required = false) @Nullable String action,
                              @RequestParam(required = false) @Nullable String job,
                              @RequestParam(required = false) @Nullable String before,
                              @RequestParam(required = false) @Nullable String limit) {
        if (actor != null && !Names.USER.matcher(actor).matches()) {
            throw new BadRequestException("actor", "actor must be a user name: 1-64 letters, digits, '.', '_', '@' or '-'");
        }
        if (action != null) {
            try {
                AuditAction.fromWire(action);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("action", e.getMessage());
            }
        }
        UUID jobId = job == null ? null : uuid(job);
        Long beforeSeq = before == null ? null : number("before", before, 1, Long.MAX_VALUE);
        int size = limit == null ? DEFAULT_LIMIT : (int) number("limit", limit, 1, MAX_LIMIT);
        var page = log.page(new AuditLog.Filter(actor, action, jobId), beforeSeq, size);
        var body = new LinkedHashMap<String, Object>();
        body.put("entries", page.entries().stream().map(AuditLog.Row::entry).toList());
        body.put("next_cursor", page.next() == null ? null : page.next().toString());
        return body;
    }

    private static UUID uuid(String job) {
        try {
            return UUID.fromString(job);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("job", "job must be a job id (a UUID), got '" + job + "'");
        }
    }

    private static long number(String name, String text, long min, long max) {
        try {
            long n = Long.parseLong(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below, as any other out-of-range value.
        }
        throw new BadRequestException(name, name + " must be a whole number from " + min + " to " + max
            + (name.equals("before") ? " (the next_cursor of the previous page)" : "") + ", got '" + text + "'");
    }
}
