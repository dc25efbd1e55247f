package io.quaero.ingest.intake;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Why writing a batch failed, judged from the exception alone: the database cannot store anything
 * right now ({@link #OUTAGE}), or it will never store some record of the batch ({@link #REJECTED}).
 *
 * <p>Implementation notes. The SQLState decides whenever there is one, PostgreSQL's own first
 * (a {@code BatchUpdateException} copies its failing entry's state). Spring's exception types
 * cannot decide: Spring translates 54000, "program limit exceeded" (an index row too large for
 * one record), into the same {@code DataAccessResourceFailureException} as a lost connection.
 * <ul>
 * <li>REJECTED: classes 21 (cardinality), 22 (data exception), 23 (integrity constraint) and 54
 *     (program limit exceeded) describe the row being written.</li>
 * <li>Except 23514 without a constraint name: that is "no partition of relation found for row", a
 *     missing day partition. Every record would fail alike until {@code LogPartitions} creates it,
 *     so it is an OUTAGE.</li>
 * <li>Every other SQLState is an OUTAGE: 08 connection, 40 serialization failure or deadlock, 53
 *     insufficient resources, 57 operator intervention (admin shutdown, a statement timeout), 58
 *     system error, and also the states that describe the database or our SQL rather than a
 *     record (42 undefined table, 42501 no privilege, XX internal error). Dead-lettering on those
 *     would divert every record of a healthy stream to the dead-letter topic; pausing loses nothing,
 *     and the health check says DOWN once ingest is stuck.</li>
 * <li>No SQLState anywhere: a failure of JDBC, the pool (its timeout has no state), a transaction
 *     or I/O is an OUTAGE. Anything else was thrown by our own code while turning a record into
 *     rows (an instant outside {@code java.sql.Timestamp}'s range, say). The same record fails the
 *     same way every time, so retrying cannot help: REJECTED.</li>
 * </ul>
 * Keep the outage side wide: a REJECTED verdict during an outage would dead-letter good records.
 */
public enum WriteFailure {

    /** The database cannot store anything now: retry the whole batch, with the consumer paused. */
    OUTAGE,
    /** The database will never store some record of the batch: find it and dead-letter it. */
    REJECTED;

    /** Longest reason {@link #describe} returns, in characters: the row itself may be megabytes. */
    private static final int MAX_REASON_CHARS = 500;

    /** How many causes are followed before giving up (a cycle or an absurd chain). */
    private static final int MAX_CHAIN = 32;

    public static WriteFailure of(Throwable failure) {
        List<Throwable> chain = chain(failure);
        ServerErrorMessage server = serverMessage(chain);
        String state = server != null ? server.getSQLState() : firstSqlState(chain);
        if (state != null) {
            if (state.equals("23514") && (server == null || server.getConstraint() == null)) {
                return OUTAGE;
            }
            return switch (state.length() < 2 ? "" : state.substring(0, 2)) {
                case "21", "22", "23", "54" -> REJECTED;
                default -> OUTAGE;
            };
        }
        for (Throwable t : chain) {
            if (t instanceof SQLException || t instanceof IOException || t instanceof InterruptedException
                || t instanceof DataAccessException || t instanceof TransactionException) {
                return OUTAGE;
            }
        }
        return REJECTED;
    }

    /**
     * What failed, in one bounded line for the dead-letter header: PostgreSQL's own message with
     * its SQLState, table and constraint, never the failing row it adds as detail.
     */
    public static String describe(Throwable failure) {
        List<Throwable> chain = chain(failure);
        ServerErrorMessage server = serverMessage(chain);
        String reason;
        if (server != null) {
            reason = "PostgreSQL rejected it: " + server.getMessage() + " (SQLState " + server.getSQLState()
                + (server.getTable() == null ? "" : ", table " + server.getTable())
                + (server.getConstraint() == null ? "" : ", constraint " + server.getConstraint()) + ")";
        } else if (refusal(chain) != null) {
            reason = refusal(chain).getMessage();
        } else {
            Throwable root = chain.getLast();
            reason = "storing it failed: " + root.getClass().getSimpleName() + ": " + root.getMessage();
        }
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "…";
    }

    /** The failure, its causes, and the next exceptions JDBC chains to a {@link SQLException}. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> pending = new ArrayList<>(List.of(failure));
        while (!pending.isEmpty() && chain.size() < MAX_CHAIN) {
            Throwable t = pending.removeFirst();
            if (t == null || !seen.add(t)) {
                continue;
            }
            chain.add(t);
            pending.add(t.getCause());
            if (t instanceof SQLException sql) {
                pending.add(sql.getNextException());
            }
        }
        return chain;
    }

    private static @Nullable ServerErrorMessage serverMessage(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
                return p.getServerErrorMessage();
            }
        }
        return null;
    }

    private static @Nullable RefusedRecordException refusal(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof RefusedRecordException refused) {
                return refused;
            }
        }
        return null;
    }

    private static @Nullable String firstSqlState(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
