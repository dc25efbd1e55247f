package io.quaero.ingest.intake;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * Keeps one record the database refuses from blocking its partition.
 *
 * <p>A batch write can fail for two kinds of reasons, and they need opposite answers. The database
 * is unreachable or overloaded (connection lost, admin shutdown, too many connections, a deadlock):
 * nothing is wrong with the records, so the whole batch is retried with the consumer paused, for as
 * long as it takes, as before. Or the database refuses the data itself (SQLState class 22 data
 * exception, 23 integrity constraint, 54 program limit such as an index row too large): retrying
 * would fail for ever and stop every job of every user. Then the batch is written again one record
 * per transaction, in order, up to the first record refused on its own; that one is named by its
 * index in the poll ({@link BatchListenerFailedException}), so the error handler commits the
 * offsets before it, dead-letters it with the reason and redelivers the rest (the listener first
 * dead-letters the poison records before it). Records before it are stored exactly
 * once (the writer skips event ids already stored), after it nothing is written, and no offset
 * runs ahead of the database. If a transient failure interrupts the isolation, it is rethrown and
 * the whole remaining batch is retried like any outage.
 */
public final class StorageIsolation {

    /** SQLState classes that say "this data can never be stored", whatever the retries. */
    private static final Set<String> PERMANENT_CLASSES = Set.of("22", "23", "54");

    private StorageIsolation() {
    }

    /**
     * Writes {@code batch}; see the class comment.
     *
     * @param pollIndexes for each element of {@code batch}, its index in the poll
     */
    public static <T> void write(List<T> batch, int[] pollIndexes, Consumer<List<T>> write) {
        try {
            write.accept(batch);
        } catch (RuntimeException e) {
            if (!isPermanent(e)) {
                throw e;
            }
            for (int i = 0; i < batch.size(); i++) {
                try {
                    write.accept(List.of(batch.get(i)));
                } catch (RuntimeException single) {
                    if (!isPermanent(single)) {
                        throw single;
                    }
                    String reason = "refused by the database: " + sqlMessage(single);
                    throw new BatchListenerFailedException(reason, new RefusedByStorage(reason, single), pollIndexes[i]);
                }
            }
            // Each record stored on its own: the refusal came from records together (e.g. two rows
            // for one key in one statement). All are stored now, each once.
        }
    }

    /**
     * A record the database refuses on its own: not retried (the error handler lists it as not
     * retryable), dead-lettered at once with this message as the reason.
     */
    public static final class RefusedByStorage extends RuntimeException {

        RefusedByStorage(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** True when the failure is the database refusing the data, not the database being unavailable. */
    public static boolean isPermanent(Throwable failure) {
        String state = sqlState(failure);
        return state != null && state.length() == 5 && PERMANENT_CLASSES.contains(state.substring(0, 2));
    }

    private static String sqlState(Throwable t) {
        for (; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    private static String sqlMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException sql) {
                return "SQLState " + sql.getSQLState() + ": " + sql.getMessage();
            }
        }
        return t.toString();
    }
}
