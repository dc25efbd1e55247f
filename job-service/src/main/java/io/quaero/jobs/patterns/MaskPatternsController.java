package io.quaero.jobs.patterns;

import java.sql.Array;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quaero.access.Caller;
import io.quaero.contracts.audit.AuditAction;
import io.quaero.jobs.api.BadRequestException;
import io.quaero.jobs.audit.Auditor;
import io.quaero.masking.MaskPatterns;
import io.quaero.masking.PatternHistory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/admin/mask-patterns} (admins only): the regular expressions whose matches every
 * job's lines (and the service logs) show and store as {@code ***}. {@code PUT} replaces the whole
 * list with a new version, in force {@link PatternHistory#EFFECTIVE_DELAY} later on every ingest
 * and gateway instance alike (module masking); earlier lines are not changed. Validated by the one
 * compiler the maskers use ({@link MaskPatterns#compile}: RE2, at most 50 patterns of at most 200
 * characters, none matching the empty text); audited.
 */
@RestController
class MaskPatternsController {

    private final JdbcTemplate jdbc;
    private final Auditor auditor;

    MaskPatternsController(JdbcTemplate jdbc, Auditor auditor) {
        this.jdbc = jdbc;
        this.auditor = auditor;
    }

    /** {@code {"version", "patterns", "effective_at"}} of the newest version (none set: version null, no patterns). */
    @GetMapping(path = "/api/admin/mask-patterns", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> current() {
        return jdbc.query("SELECT version, patterns, effective_at FROM mask_pattern_sets ORDER BY version DESC LIMIT 1",
                (rs, i) -> view(rs.getLong(1), rs.getArray(2), rs.getTimestamp(3)))
            .stream().findFirst().orElseGet(() -> view(null, List.of(), null));
    }

    /** {@code {"patterns": ["ghp_[A-Za-z0-9]{36}", ...]}} → the new version, as {@link #current}. */
    @PutMapping(path = "/api/admin/mask-patterns", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> replace(@RequestBody(required = false) @Nullable JsonNode body) {
        List<String> patterns = patterns(body);
        try {
            MaskPatterns.compile(patterns);
        } catch (MaskPatterns.Invalid e) {
            throw new BadRequestException(e.index() < 0 ? "patterns" : "patterns[" + e.index() + "]", e.getMessage());
        }
        return auditor.change(() -> {
            var made = jdbc.query(con -> {
                var ps = con.prepareStatement("""
                    INSERT INTO mask_pattern_sets (patterns, effective_at, created_by)
                    VALUES (?, clock_timestamp() + make_interval(secs => ?), ?) RETURNING version, patterns, effective_at""");
                ps.setArray(1, con.createArrayOf("text", patterns.toArray()));
                ps.setLong(2, PatternHistory.EFFECTIVE_DELAY.toSeconds());
                ps.setString(3, Caller.require().name());
                return ps;
            }, (rs, i) -> view(rs.getLong(1), rs.getArray(2), rs.getTimestamp(3))).getFirst();
            auditor.record(AuditAction.MASK_PATTERNS_SET, "version " + made.get("version"),
                Map.of("patterns", patterns, "effective_at", made.get("effective_at").toString()));
            return made;
        });
    }

    private static List<String> patterns(@Nullable JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadRequestException("$", "the body must be {\"patterns\": [\"regex\", ...]}");
        }
        for (String name : body.propertyNames()) {
            if (!name.equals("patterns")) {
                throw new BadRequestException(name, "unknown field '" + name + "'; expected [patterns]");
            }
        }
        JsonNode list = body.get("patterns");
        if (list == null || !list.isArray()) {
            throw new BadRequestException("patterns", "patterns must be an array of strings");
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isString()) {
                throw new BadRequestException("patterns[" + i + "]", "each pattern must be a string");
            }
            patterns.add(list.get(i).stringValue());
        }
        return patterns;
    }

    private static Map<String, Object> view(@Nullable Long version, Array patterns, Timestamp effectiveAt) throws java.sql.SQLException {
        return view(version, Arrays.asList((String[]) patterns.getArray()), effectiveAt);
    }

    private static Map<String, Object> view(@Nullable Long version, List<String> patterns, @Nullable Timestamp effectiveAt) {
        var body = new LinkedHashMap<String, Object>();
        body.put("version", version);
        body.put("patterns", patterns);
        body.put("effective_at", effectiveAt == null ? null : effectiveAt.toInstant());
        return body;
    }
}
