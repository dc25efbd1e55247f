package io.quaero.gateway.history;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Reads that must describe one instant: a page and the counts beside it, a stream's whole start. */
final class Snapshots {

    private Snapshots() {
    }

    /** A read-only, repeatable-read transaction: every query in it sees the same snapshot. */
    static TransactionTemplate oneInstant(PlatformTransactionManager txManager) {
        var tx = new TransactionTemplate(txManager);
        tx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        tx.setReadOnly(true);
        return tx;
    }
}
