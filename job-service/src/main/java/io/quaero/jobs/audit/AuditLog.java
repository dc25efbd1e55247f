package io.quaero.jobs.audit;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quaero.contracts.audit.AuditEntry;
import io.quaero.contracts.sse.SseJson;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The audit log ({@code audit_log}): job-service is its only writer. An entry is written in the
 * transaction of the change it records (the caller's), or from {@code quaero.audit}; its id makes
 * a second write of the same entry (a redelivered record) a no-op.
 */
@Repository
public class AuditLog {

    /** One page of entries, newest first, and the {@code before} of the next (null on the last). */
    public record Page(List<Row> entries, @Nullable Long next) {
    }

    /** An entry as stored, with its place in the log ({@code seq}: the cursor). */
    public record Row(long seq, AuditEntry entry) {
    }

    /** Filters of {@link #page}; null matches anything. */
    public record Filter(@Nullable String actor, @Nullable String action, @Nullable UUID jobId) {
    }

    private final JdbcTemplate jdbc;

    AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores {@code entry} in the caller's transaction, unless it is stored already. */
    public void write(AuditEntry entry) {
        jdbc.update("""
            INSERT INTO audit_log (id, at, actor, via, action, target, job_id, team, client, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (id) DO NOTHING""",
            entry.id(), Timestamp.from(entry.at()), entry.actor(), entry.via(), entry.action(), entry.target(), entry.jobId(),
            entry.team(), entry.client(), entry.detailsJson());
    }

    /** Up to {@code limit} entries matching {@code filter}, newest first, before {@code before} (a seq) if given. */
    @SuppressWarnings("unchecked")
    public Page page(Filter filter, @Nullable Long before, int limit) {
        var sql = new StringBuilder("""
            SELECT seq, id, at, actor, via, action, target, job_id, team, client, details::text FROM audit_log WHERE true""");
        List<Object> args = new ArrayList<>();
        if (filter.actor() != null) {
            sql.append(" AND actor = ?");
            args.add(filter.actor());
        }
        if (filter.action() != null) {
            sql.append(" AND action = ?");
            args.add(filter.action());
        }
        if (filter.jobId() != null) {
            sql.append(" AND job_id = ?");
            args.add(filter.jobId());
        }
        if (before != null) {
            sql.append(" AND seq < ?");
            args.add(before);
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(limit + 1);
        List<Row> rows = jdbc.query(sql.toString(), (rs, i) -> new Row(rs.getLong(1), new AuditEntry(
            rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getString(5), rs.getString(6),
            rs.getString(7), rs.getObject(8, UUID.class), rs.getString(9), rs.getString(10),
            SseJson.fromJson(rs.getString(11), Map.class))), args.toArray());
        boolean more = rows.size() > limit;
        List<Row> page = more ? rows.subList(0, limit) : rows;
        return new Page(List.copyOf(page), more ? page.getLast().seq() : null);
    }
}
