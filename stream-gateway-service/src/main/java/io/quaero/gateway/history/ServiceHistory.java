package io.quaero.gateway.history;

import java.util.List;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogFilter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The stored service logs a service stream starts from, read in one repeatable-read transaction:
 * the newest matching lines (or those after a cursor), the counts from the per-level counters,
 * where the stored log ends, and the instances that logged lately.
 */
@Component
public class ServiceHistory {

    /** Instances listed in the service status: those that logged within this many minutes. */
    public static final int INSTANCE_WINDOW_MINUTES = 15;
    /** At most this many instances are listed. */
    static final int MAX_INSTANCES = 100;

    /** Line of a service log = its position in the one-partition topic (1-based). */
    static LogEntry entry(String eventId, long offset, java.time.Instant ts, Level level, String message,
                          String service, String instance) {
        return new LogEntry(eventId, new Cursor(0, offset).toString(), offset + 1, ts, level.wireName(), message,
            null, null, service + "/" + instance);
    }

    private static final RowMapper<LogEntry> ENTRY = (rs, i) -> entry(rs.getString(1), rs.getLong(2),
        rs.getTimestamp(3).toInstant(), Level.fromSeverity(rs.getShort(4)), rs.getString(5), rs.getString(6), rs.getString(7));

    private static final LogPages.Table SERVICE_LOGS = new LogPages.Table("service_logs",
        "event_id, kafka_offset, ts, level, message, service, instance", ENTRY);

    /**
     * What a service stream starts from: a page of stored lines, who logged lately, and up to
     * which offset everything is stored (-1: nothing); later lines come from Kafka.
     */
    public record Snapshot(LogPages.Page page, List<String> instances, long storedUpTo) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshotTx;
    private final int searchScanRows;

    ServiceHistory(JdbcTemplate jdbc, PlatformTransactionManager txManager, StreamProperties props) {
        this.jdbc = jdbc;
        this.snapshotTx = Snapshots.oneInstant(txManager);
        this.searchScanRows = props.searchScanRows();
    }

    public Snapshot snapshot(LogFilter filter, Cursor since, int limit) {
        return snapshotTx.execute(status -> {
            var page = page(filter, since == null ? LogPages.Start.NEWEST : new LogPages.Start.After(since.offset()), limit);
            List<String> instances = jdbc.queryForList("""
                SELECT DISTINCT service || '/' || instance FROM service_logs
                WHERE ts > now() - make_interval(mins => ?) ORDER BY 1 LIMIT ?""", String.class,
                INSTANCE_WINDOW_MINUTES, MAX_INSTANCES);
            Long next = jdbc.query("SELECT next_offset FROM ingest_progress WHERE topic = ? AND kafka_partition = 0",
                rs -> rs.next() ? rs.getLong(1) : null, Topics.SERVICE_LOGS);
            return new Snapshot(page, instances, next == null ? -1 : next - 1);
        });
    }

    /**
     * A page of service logs with the filter's counts, read in one snapshot (the fallback of the
     * service stream uses it directly, with the same meaning as a job's page).
     */
    public LogPages.Page page(LogFilter filter, LogPages.Start start, int limit) {
        return snapshotTx.execute(status -> {
            var where = LogRows.Predicate.of(filter);
            long total = counted(null);
            long scope = filter.minLevel() != null ? counted(filter.minLevel()) : total;
            // As a job's page (LogPages): a search reads at most a window of lines per page.
            int window = filter.query() != null && scope > searchScanRows ? searchScanRows : LogPages.WHOLE;
            var newest = window == LogPages.WHOLE ? null : LogPages.Window.newest(jdbc, SERVICE_LOGS, where, window);
            var rows = start instanceof LogPages.Start.Newest ? LogPages.within(jdbc, SERVICE_LOGS, where, start, limit, newest)
                : LogPages.read(jdbc, SERVICE_LOGS, where, start, limit, window);
            long displayed = filter.query() == null ? scope : LogPages.countMatches(jdbc, SERVICE_LOGS, where, newest);
            Long last = jdbc.query("SELECT kafka_offset FROM service_logs ORDER BY kafka_offset DESC LIMIT 1",
                rs -> rs.next() ? rs.getLong(1) : null);
            return new LogPages.Page(rows.entries(), rows.hasMore(), total, displayed,
                last == null ? null : new Cursor(0, last), rows.scannedTo(), newest == null ? null : newest.edge());
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
