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
import org.jspecify.annotations.Nullable;
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

    /**
     * The WHERE clause of a filter, with its arguments in order, in two parts: its scope (the job,
     * its step, its level: what the indexes and the counters serve) and the search term
     * ({@code pattern}), which an index serves for some terms only and which {@link LogPages}
     * therefore bounds by the lines it reads.
     *
     * @param pattern the {@code ILIKE} pattern of the search term, or null without one
     * @param search  the search term's condition on {@code message}, one {@code ?} for {@code pattern}
     */
    public record Predicate(String scopeSql, Object[] scopeArgs, @Nullable String pattern, String search) {

        /**
         * A job's search: {@code ILIKE} as PostgreSQL computes it in a UTF-8 database, written out.
         * Its {@code ILIKE} lowercases the line and the pattern ({@code lower}, in the column's
         * collation) and matches them with {@code LIKE}, but lowercases the pattern again for every
         * line: written out, the pattern is lowercased once (a scan of 2M lines, measured: 1,468 ms
         * with {@code ILIKE}, 748 ms written out; docs/BENCHMARKS.md "Search cost"). {@code job_logs} has no index of
         * its text, so this is every search of a job's lines that is not bounded by a window
         * (the viewer's "3 of 57" over a whole log). {@code SearchSemanticsTest} holds it to ILIKE's answers.
         */
        static final String JOB_SEARCH = "lower(message) LIKE lower(?) ESCAPE '\\'";

        /** Service logs' search: {@code ILIKE}, which their trigram index serves for terms of three characters or more. */
        static final String SERVICE_SEARCH = "message ILIKE ? ESCAPE '\\'";

        static Predicate of(UUID jobId, LogFilter f) {
            return of("job_id = ?", jobId, f, JOB_SEARCH);
        }

        /** The level and search parts alone, for tables without jobs or steps (service logs). */
        public static Predicate of(LogFilter f) {
            return of("true", null, f, SERVICE_SEARCH);
        }

        private static Predicate of(String base, UUID jobId, LogFilter f, String search) {
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
            return new Predicate(sql.toString(), args.toArray(), f.query() == null ? null : f.likePattern(), search);
        }

        /** Whether it has a search term. */
        public boolean searches() {
            return pattern != null;
        }

        /** The whole clause. */
        public String sql() {
            // The term is checked on the scope's lines; %, _ and \ in the term are literal.
            return pattern == null ? scopeSql : scopeSql + " AND " + search;
        }

        /** The whole clause's arguments. */
        public Object[] args() {
            return pattern == null ? scopeArgs : concat(scopeArgs, pattern);
        }

        /** The whole clause's arguments, then {@code more}. */
        public Object[] argsWith(Object... more) {
            return concat(args(), more);
        }

        /** The same filter in a narrower scope: {@code condition} (one {@code ?}, for {@code arg}) added to it. */
        public Predicate and(String condition, Object arg) {
            return new Predicate(scopeSql + " AND " + condition, concat(scopeArgs, arg), pattern, search);
        }

        static Object[] concat(Object[] first, Object... more) {
            Object[] all = new Object[first.length + more.length];
            System.arraycopy(first, 0, all, 0, first.length);
            System.arraycopy(more, 0, all, first.length, more.length);
            return all;
        }
    }
}
