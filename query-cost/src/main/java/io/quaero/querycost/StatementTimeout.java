package io.quaero.querycost;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Gives every connection of the service's Hikari pool PostgreSQL's {@code statement_timeout}, as a
 * startup option of the connection (pgjdbc's {@code options=-c statement_timeout=<ms>}).
 *
 * <p>Why the pool and not {@code SET LOCAL} per transaction: a startup option holds for every
 * statement on the connection from its first, inside a transaction or not (the gateway's
 * placement lookups, the access checks and the download pages run outside one), at no round trip
 * of its own, and no code path can forget it. What must not be cut does not run under it: Flyway
 * migrates over connections of its own (module db-schema), and log-ingest's writes turn it off for
 * their own transaction ({@code SET LOCAL statement_timeout = 0}), because in the dev stack they
 * share this pool. Keep both if this changes.
 *
 * <p>Runs before the pool starts (Hikari seals its configuration then).
 */
final class StatementTimeout implements BeanPostProcessor {

    private final ObjectProvider<QueryCostProperties> properties;

    StatementTimeout(ObjectProvider<QueryCostProperties> properties) {
        this.properties = properties;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool) {
            QueryCostProperties p = properties.getObject();
            if (p.enabled()) {
                pool.addDataSourceProperty("options", withTimeout(pool.getDataSourceProperties().getProperty("options"), p));
            }
        }
        return bean;
    }

    /** The connection's startup options with the timeout added to any already given. */
    static String withTimeout(@Nullable String options, QueryCostProperties p) {
        String timeout = "-c statement_timeout=" + p.statementTimeout().toMillis();
        return options == null || options.isBlank() ? timeout : options + " " + timeout;
    }
}
