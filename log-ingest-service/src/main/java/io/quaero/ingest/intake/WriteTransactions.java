package io.quaero.ingest.intake;

import java.util.function.Consumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactions ingest writes in. Each first turns PostgreSQL's statement timeout off for itself
 * ({@code SET LOCAL statement_timeout = 0}, which ends with the transaction): a batch's bulk
 * {@code COPY}, or dropping a day's partition, must never be cut. A cut write is an outage to
 * {@link BatchIntake}, retried whole, so a batch that took longer than the timeout would be retried
 * for ever. Its size is bounded by {@code max-poll-records}, not by time.
 *
 * <p>In its own process ingest's pool has no timeout (it does not carry module query-cost). In the
 * dev stack, and beside the gateway in its tests, it shares the pool of the services that answer
 * people, which has one. Every transaction ingest opens goes through here; keep it so.
 */
@Component
public class WriteTransactions {

    private final TransactionTemplate tx;
    private final JdbcTemplate jdbc;

    public WriteTransactions(TransactionTemplate tx, JdbcTemplate jdbc) {
        this.tx = tx;
        this.jdbc = jdbc;
    }

    public <T> T execute(TransactionCallback<T> action) {
        return tx.execute(status -> {
            jdbc.execute("SET LOCAL statement_timeout = 0");
            return action.doInTransaction(status);
        });
    }

    public void executeWithoutResult(Consumer<TransactionStatus> action) {
        execute(status -> {
            action.accept(status);
            return null;
        });
    }
}
