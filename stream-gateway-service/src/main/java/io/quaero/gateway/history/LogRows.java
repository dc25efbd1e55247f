package io.quaero.gateway.history;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.SseJson;
import io.quaero.gateway.filter.LogFilter;
import org.springframework.jdbc.core.RowMapper;

/**
 * How stored log lines are selected and read back: the columns, the row mapper and the WHERE
 * clause of a filter. Every read of {@code job_logs} goes through here, so a stream, a fetch and
 * a download apply one predicate (and the live tail applies the same one in {@link LogFilter}).
 */
public final class LogRows {

    static final String COLUMNS =
        "event_id, kafka_partition, kafka_offset, line, ts, level, message, step_id, step_name, source";

    static final RowMapper<LogEntry> ENTRY = LogRows::entry;

    /** Ids, cursor, line, timestamp and level of an entry, and its JSON punctuation. */
    private static final int FIXED_ENTRY_BYTES = 256;

    private LogRows() {
    }

    private static LogEntry entry(ResultSet rs, int row) throws SQLException {
        return new LogEntry(
            rs.getString("event_id"),
            new Cursor(rs.getInt("kafka_partition"), rs.getLong("kafka_offset")).toString(),
            rs.getLong("line"),
            rs.getTimestamp("ts").toInstant(),
            Level.fromSeverity(rs.getShort("level")).wireName(),
            rs.getString("message"),
            rs.getString("step_id"),
            rs.getString("step_name"),
            rs.getString("source"));
    }

    /** About the bytes an entry takes in a {@code logs} event or a fetched page. */
    public static long jsonBytes(LogEntry e) {
        return FIXED_ENTRY_BYTES + SseJson.jsonBytes(e.message()) + SseJson.jsonBytes(e.stepId())
            + SseJson.jsonBytes(e.stepName()) + SseJson.jsonBytes(e.source());
    }

    /** The WHERE clause of a filter, with its arguments in order. */
    public record Predicate(String sql, Object[] args) {

        static Predicate of(UUID jobId, LogFilter f) {
            return of("job_id = ?", jobId, f);
        }

        /** The level and search parts alone, for tables without jobs or steps (service logs). */
        public static Predicate of(LogFilter f) {
            return of("true", null, f);
        }

        private static Predicate of(String base, UUID jobId, LogFilter f) {
            var sql = new StringBuilder(base);
            var args = new ArrayList<>();
            if (jobId != null) {
                args.add(jobId);
            }
            if (f.stepId() != null) {
                sql.append(" AND step_id = ?");
                args.add(f.stepId());
            }
            if (f.minLevel() != null) {
                sql.append(" AND level >= ?");
                args.add((short) f.minLevel().severity());
            }
            if (f.query() != null) {
                // ILIKE is served by the pg_trgm index; %, _ and \ in the term are literal.
                sql.append(" AND message ILIKE ? ESCAPE '\\'");
                args.add(f.likePattern());
            }
            return new Predicate(sql.toString(), args.toArray());
        }

        public Object[] argsWith(Object... more) {
            Object[] all = new Object[args.length + more.length];
            System.arraycopy(args, 0, all, 0, args.length);
            System.arraycopy(more, 0, all, args.length, more.length);
            return all;
        }
    }
}
