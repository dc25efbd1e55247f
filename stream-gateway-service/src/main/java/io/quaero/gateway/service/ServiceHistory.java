package io.quaero.gateway.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.filter.LogFilter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stored service logs a service stream starts from, read in one repeatable-read transaction:
 * the newest matching lines (or those after a cursor), the counts from the per-level counters,
 * where the stored log ends, and the instances that logged lately.
 */
@Component
class ServiceHistory {

    /** Instances listed in the service status: those that logged within this many minutes. */
    static final int INSTANCE_WINDOW_MINUTES = 15;
    /** At most this many instances are listed. */
    static final int MAX_INSTANCES = 100;

    private static final String COLUMNS = "event_id, kafka_offset, ts, level, message, service, instance";

    /** Line of a service log = its position in the one-partition topic (1-based). */
    static LogEntry entry(String eventId, long offset, java.time.Instant ts, Level level, String message,
                          String service, String instance) {
        return new LogEntry(eventId, new Cursor(0, offset).toString(), offset + 1, ts, level.wireName(), message,
            null, null, service + "/" + instance);
    }

    private static final RowMapper<LogEntry> ENTRY = (rs, i) -> entry(rs.getString(1), rs.getLong(2),
        rs.getTimestamp(3).toInstant(), Level.fromSeverity(rs.getShort(4)), rs.getString(5), rs.getString(6), rs.getString(7));

    /**
     * @param storedUpTo offset of the last stored line (-1: none); live lines at or below it are in
     *                   the snapshot already
     */
    record Snapshot(List<LogEntry> entries, long totalCount, long displayedCount, long storedUpTo, List<String> instances) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshotTx;

    ServiceHistory(JdbcTemplate jdbc, PlatformTransactionManager txManager) {
        this.jdbc = jdbc;
        this.snapshotTx = new TransactionTemplate(txManager);
        snapshotTx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshotTx.setReadOnly(true);
    }

    Snapshot snapshot(LogFilter filter, Cursor since, int limit) {
        return snapshotTx.execute(status -> {
            var sql = new StringBuilder(" WHERE true");
            var args = new ArrayList<Object>();
            if (filter.minLevel() != null) {
                sql.append(" AND level >= ?");
                args.add((short) filter.minLevel().severity());
            }
            if (filter.query() != null) {
                sql.append(" AND message ILIKE ? ESCAPE '\\'");
                args.add(filter.likePattern());
            }
            List<LogEntry> entries;
            if (since == null) {
                args.add(limit);
                entries = new ArrayList<>(jdbc.query("SELECT " + COLUMNS + " FROM service_logs" + sql
                    + " ORDER BY kafka_offset DESC LIMIT ?", ENTRY, args.toArray()));
                args.removeLast();
                Collections.reverse(entries);
            } else {
                var page = new ArrayList<>(args);
                page.add(since.offset());
                page.add(limit);
                entries = jdbc.query("SELECT " + COLUMNS + " FROM service_logs" + sql
                    + " AND kafka_offset > ? ORDER BY kafka_offset LIMIT ?", ENTRY, page.toArray());
            }
            long total = counted(null);
            long displayed = filter.query() != null
                ? jdbc.queryForObject("SELECT count(*) FROM service_logs" + sql, Long.class, args.toArray())
                : filter.minLevel() != null ? counted(filter.minLevel()) : total;
            Long last = jdbc.query("SELECT kafka_offset FROM service_logs ORDER BY kafka_offset DESC LIMIT 1",
                rs -> rs.next() ? rs.getLong(1) : null);
            List<String> instances = jdbc.queryForList("""
                SELECT DISTINCT service || '/' || instance FROM service_logs
                WHERE ts > now() - make_interval(mins => ?) ORDER BY 1 LIMIT ?""", String.class,
                INSTANCE_WINDOW_MINUTES, MAX_INSTANCES);
            return new Snapshot(List.copyOf(entries), total, displayed, last == null ? -1 : last, instances);
        });
    }

    /** Lines at or above a level from the per-level counters: five rows at most, never a scan. */
    private long counted(Level minLevel) {
        Long n = minLevel == null
            ? jdbc.queryForObject("SELECT coalesce(sum(lines), 0) FROM service_log_counts", Long.class)
            : jdbc.queryForObject("SELECT coalesce(sum(lines), 0) FROM service_log_counts WHERE level >= ?", Long.class,
                (short) minLevel.severity());
        return n == null ? 0 : n;
    }

}
