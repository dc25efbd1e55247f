package io.quaero.contracts.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quaero.contracts.sse.SseJson;
import org.jspecify.annotations.Nullable;

/**
 * One line of the audit log: who did what to what, when and from where. The row of
 * {@code audit_log}, an entry of {@code GET /api/admin/audit}, and the value of a record on
 * {@link io.quaero.contracts.Topics#AUDIT} (the gateway's downloads).
 *
 * @param id      unique per entry: what makes storing an entry from the topic idempotent
 * @param at      when the change was made (the service's clock)
 * @param actor   the user's name
 * @param via     the credential: {@code session:<session id>} or {@code token:<API token id>}
 * @param action  what was done
 * @param target  what it was done to: a job id, a user's name, a token's id (none for a
 *                change to a global setting)
 * @param jobId   the job, when the target is one (the {@code job} filter)
 * @param team    the job's team, when the target is a job that has one
 * @param client  the client's address as the service saw it (the balancer's, behind one, unless
 *                the service trusts {@code X-Forwarded-For}: {@code server.forward-headers-strategy})
 * @param details a few more facts, at most {@value #MAX_DETAILS_BYTES} bytes of JSON (larger ones
 *                are replaced by a note of their size)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEntry(
        @JsonProperty("id") UUID id,
        @JsonProperty("at") Instant at,
        @JsonProperty("actor") String actor,
        @JsonProperty("via") String via,
        @JsonProperty("action") String action,
        @JsonProperty("target") @Nullable String target,
        @JsonProperty("job_id") @Nullable UUID jobId,
        @JsonProperty("team") @Nullable String team,
        @JsonProperty("client") @Nullable String client,
        @JsonProperty("details") Map<String, Object> details) {

    /** Bound of {@code details}, as JSON. */
    public static final int MAX_DETAILS_BYTES = 4096;

    public AuditEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(via, "via");
        AuditAction.fromWire(Objects.requireNonNull(action, "action"));
        details = bounded(details == null ? Map.of() : details);
    }

    /** A new entry for {@code action}, made now. */
    public static AuditEntry of(AuditAction action, String actor, String via, @Nullable String target, @Nullable UUID jobId,
                                @Nullable String team, @Nullable String client, Map<String, Object> details) {
        return new AuditEntry(UUID.randomUUID(), Instant.now(), actor, via, action.wireName(), target, jobId, team, client,
            details);
    }

    /** The action as a typed value. */
    public AuditAction auditAction() {
        return AuditAction.fromWire(action);
    }

    /** The details as JSON (what {@code audit_log.details} stores). */
    public String detailsJson() {
        return new String(SseJson.toJson(details), StandardCharsets.UTF_8);
    }

    /** This entry as single-line UTF-8 JSON: a record value on the audit topic. */
    public byte[] toJson() {
        return SseJson.toJson(this);
    }

    /**
     * Reads a record value of the audit topic, strictly (an unknown field fails).
     *
     * @throws IllegalArgumentException for anything that is not an entry, whatever it holds
     */
    public static AuditEntry fromJson(byte @Nullable [] json) {
        if (json == null) {
            throw new IllegalArgumentException("no AuditEntry: no content (a null value)");
        }
        try {
            return SseJson.fromJson(new String(json, StandardCharsets.UTF_8), AuditEntry.class);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // Total, like EventCodec: a reader of the topic sees one typed error, never a parser's.
            throw new IllegalArgumentException("no AuditEntry: " + e, e);
        }
    }

    private static Map<String, Object> bounded(Map<String, Object> details) {
        int bytes = SseJson.toJson(details).length;
        if (bytes <= MAX_DETAILS_BYTES) {
            return Map.copyOf(details);
        }
        var note = new LinkedHashMap<String, Object>();
        note.put("truncated", true);
        note.put("bytes", bytes);
        return note;
    }
}
