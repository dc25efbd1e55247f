package io.quaero.masking;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The admins' mask patterns in force at an instant of the broker's clock: every version ever set
 * ({@code mask_pattern_sets}, written by job-service), each in force from its
 * {@code effective_at}. A line is masked by the version in force at its record's append time
 * (the topics use {@code LogAppendTime}: the broker's clock, one value for every reader), so
 * log-ingest and every gateway mask it alike, whenever each reads it — a change cannot reach one
 * before the other and make a line read differently live and stored.
 *
 * <p>Implementation notes. A version takes effect {@link #EFFECTIVE_DELAY} after job-service wrote
 * it ({@code clock_timestamp()} of PostgreSQL, the one clock all versions are written with). A
 * read of the versions at database time L therefore knows every version in force at any instant
 * before L + {@link #KNOWN_AHEAD}: one it missed was committed after L, so written after
 * L - {@link #COMMIT_SLACK} and in force only from after L + {@link #KNOWN_AHEAD}. A line with an
 * earlier append time is masked from memory; a later one reads the versions again first (at most
 * about once per {@link #KNOWN_AHEAD} while lines flow, never while none do: no timer, no read
 * per line). Assumed: the brokers' clocks and PostgreSQL's agree within the slack (NTP), and the
 * job-service transaction that writes a version commits within {@link #COMMIT_SLACK} of writing it
 * (it writes the version and its audit entry, nothing else).
 *
 * <p>Bounded: the newest {@value #VERSIONS_KEPT} versions (each at most 50 patterns of 200
 * characters); a line older than all of them (ingest catching up on a long backlog after many
 * changes) reads its version alone, remembered among at most {@value #OLD_VERSIONS_KEPT}.
 */
public class PatternHistory {

    /** How long after it is set a version takes effect: every reader learns of it before. */
    public static final Duration EFFECTIVE_DELAY = Duration.ofSeconds(10);
    /** How far past a read of the versions it is known that none is missing. */
    static final Duration KNOWN_AHEAD = Duration.ofSeconds(5);
    /** EFFECTIVE_DELAY - KNOWN_AHEAD: how long a version's transaction may take to commit. */
    static final Duration COMMIT_SLACK = EFFECTIVE_DELAY.minus(KNOWN_AHEAD);
    static final int VERSIONS_KEPT = 100;
    static final int OLD_VERSIONS_KEPT = 16;

    /** One version: its patterns, in force from {@code effectiveAt}. */
    private record Version(Instant effectiveAt, MaskPatterns patterns) {
    }

    /** What was read: versions newest first, and until when (exclusive) nothing is missing from them. */
    private record Known(List<Version> newestFirst, long knownUntilMillis, boolean complete) {
    }

    /** How often, at most, {@link #live} says it masks by stale versions. */
    private static final Duration STALE_WARNING_INTERVAL = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(PatternHistory.class);

    private final JdbcTemplate jdbc;
    private volatile @Nullable Known known;
    private volatile long lastStaleWarningNanos = System.nanoTime() - STALE_WARNING_INTERVAL.toNanos();
    private final ConcurrentHashMap<Long, Span> older = new ConcurrentHashMap<>();

    public PatternHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The patterns in force at {@code appendedAtMillis} (a record's timestamp; none before the
     * first version). What ingest stores by.
     *
     * @throws DataAccessException when the versions must be read again and cannot be
     */
    public MaskPatterns at(long appendedAtMillis) {
        Known k = known;
        if (k == null || appendedAtMillis >= k.knownUntilMillis()) {
            k = reload(appendedAtMillis);
        }
        return in(k, appendedAtMillis);
    }

    /**
     * As {@link #at}, for the live path: while the database cannot be read, the versions read last
     * (a gateway keeps streaming from Kafka through a database outage). Exact unless a version was
     * set in the few seconds between this process's last read and the outage: lines appended
     * after it takes effect are then shown by the older one until the database is back (and
     * stored by the newer one). Never read at all: it throws, no line is shown unmasked.
     */
    public MaskPatterns live(long appendedAtMillis) {
        try {
            return at(appendedAtMillis);
        } catch (DataAccessException e) {
            Known k = known;
            if (k == null) {
                throw e;
            }
            long now = System.nanoTime();
            if (now - lastStaleWarningNanos > STALE_WARNING_INTERVAL.toNanos()) {
                lastStaleWarningNanos = now;
                log.warn("mask patterns cannot be read ({}); live lines are masked by the versions read last", e.toString());
            }
            return in(k, appendedAtMillis);
        }
    }

    private MaskPatterns in(Known k, long appendedAtMillis) {
        for (Version v : k.newestFirst()) {
            if (v.effectiveAt().toEpochMilli() <= appendedAtMillis) {
                return v.patterns();
            }
        }
        return k.complete() ? MaskPatterns.NONE : older(appendedAtMillis);
    }

    private synchronized Known reload(long neededMillis) {
        Known k = known;
        if (k != null && neededMillis < k.knownUntilMillis()) {
            // Another thread read them meanwhile.
            return k;
        }
        // The clock first: a version committed before the next statement starts is in its answer.
        Instant now = jdbc.queryForObject("SELECT clock_timestamp()", Timestamp.class).toInstant();
        List<Version> versions = jdbc.query("""
            SELECT effective_at, patterns FROM mask_pattern_sets
            ORDER BY effective_at DESC, version DESC LIMIT ?""",
            (rs, i) -> version(rs.getTimestamp(1), rs.getArray(2)), VERSIONS_KEPT + 1);
        boolean complete = versions.size() <= VERSIONS_KEPT;
        k = new Known(complete ? versions : versions.subList(0, VERSIONS_KEPT), now.plus(KNOWN_AHEAD).toEpochMilli(), complete);
        known = k;
        return k;
    }

    private MaskPatterns older(long appendedAtMillis) {
        // Rare: a line older than the newest VERSIONS_KEPT versions. Versions never change once
        // written, so each is remembered with the span it was in force.
        for (Span span : older.values()) {
            if (span.from() <= appendedAtMillis && appendedAtMillis < span.until()) {
                return span.patterns();
            }
        }
        Span span = jdbc.query("""
            SELECT s.effective_at, s.patterns,
                   (SELECT min(n.effective_at) FROM mask_pattern_sets n WHERE n.effective_at > s.effective_at)
            FROM mask_pattern_sets s WHERE s.effective_at <= ?
            ORDER BY s.effective_at DESC, s.version DESC LIMIT 1""",
            (rs, i) -> new Span(rs.getTimestamp(1).toInstant().toEpochMilli(),
                rs.getTimestamp(3) == null ? Long.MAX_VALUE : rs.getTimestamp(3).toInstant().toEpochMilli(),
                version(rs.getTimestamp(1), rs.getArray(2)).patterns()), new Timestamp(appendedAtMillis))
            .stream().findFirst().orElse(null);
        if (span == null) {
            return MaskPatterns.NONE;
        }
        if (older.size() >= OLD_VERSIONS_KEPT) {
            older.clear();
        }
        older.put(span.from(), span);
        return span.patterns();
    }

    /** An old version and the span of append times it was in force for: [from, until). */
    private record Span(long from, long until, MaskPatterns patterns) {
    }

    /**
     * A stored version. Its patterns passed the same compiler when they were set; one that no
     * longer compiles (RE2/J changed) is left out with an error, by every reader alike, rather than
     * failing every line (ingest would dead-letter them all).
     */
    private static Version version(Timestamp effectiveAt, Array patterns) throws java.sql.SQLException {
        List<String> usable = Arrays.stream((String[]) patterns.getArray()).filter(p -> {
            try {
                MaskPatterns.compile(List.of(p));
                return true;
            } catch (MaskPatterns.Invalid e) {
                log.error("mask pattern '{}' of the version in force from {} no longer compiles and is left out: {}", p,
                    effectiveAt.toInstant(), e.getMessage());
                return false;
            }
        }).toList();
        return new Version(effectiveAt.toInstant(), MaskPatterns.compile(usable));
    }
}
