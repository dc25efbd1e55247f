package io.quaero.jobs.audit;

import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.quaero.access.Actor;
import io.quaero.access.limits.Clients;
import io.quaero.contracts.audit.AuditAction;
import io.quaero.contracts.audit.AuditEntry;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records what the current caller does, in the transaction of the change: the entry and the
 * change commit together or not at all, so the log never claims a change that did not happen nor
 * misses one that did. Use {@link #change} around a change (its own {@code @Transactional} methods
 * join), and {@link #record} inside it.
 *
 * <pre>
 * return auditor.change(() -> {
 *     JobRecord made = dispatcher.create(job, client);
 *     auditor.record(AuditAction.JOB_CREATED, made.id(), job.team(), Map.of("type", job.type()));
 *     return made;
 * });
 * </pre>
 */
@Component
public class Auditor {

    private final AuditLog log;
    private final TransactionTemplate tx;
    private final Clients clients;

    Auditor(AuditLog log, PlatformTransactionManager transactions, Clients clients) {
        this.log = log;
        this.clients = clients;
        this.tx = new TransactionTemplate(transactions);
    }

    /** Runs {@code change} in one transaction (joined by the {@code @Transactional} methods it calls). */
    public <T> T change(Supplier<T> change) {
        return tx.execute(status -> change.get());
    }

    /** Records an action on a job (target: the job). Call inside {@link #change}. */
    public void record(AuditAction action, UUID jobId, @Nullable String team, Map<String, Object> details) {
        write(action, jobId.toString(), jobId, team, details);
    }

    /** Records an action on something else: a user, a token, a setting (target null). Call inside {@link #change}. */
    public void record(AuditAction action, @Nullable String target, Map<String, Object> details) {
        write(action, target, null, null, details);
    }

    private void write(AuditAction action, @Nullable String target, @Nullable UUID jobId, @Nullable String team,
                       Map<String, Object> details) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            // Outside a transaction the entry could stand without its change, or the change without it.
            throw new IllegalStateException("an audit entry is written in the transaction of its change: call it inside change()");
        }
        Actor actor = Actor.current(clients);
        log.write(AuditEntry.of(action, actor.name(), actor.via(), target, jobId, team, actor.client(), details));
    }
}
