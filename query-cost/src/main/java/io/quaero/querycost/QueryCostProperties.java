package io.quaero.querycost;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code quaero.db.*}, checked once at startup.
 *
 * @param statementTimeout {@code quaero.db.statement-timeout}: the longest one SQL statement on this
 *                         service's pool may run before PostgreSQL cancels it (SQLSTATE 57014).
 *                         Default 5 s: the queries a request makes take milliseconds (searches are
 *                         bounded by rows, not by time: {@code quaero.stream.search-scan-rows}), so
 *                         this is the backstop for what no bound foresaw. Whole milliseconds (the
 *                         server's unit); 0 turns it off.
 */
@ConfigurationProperties("quaero.db")
public record QueryCostProperties(@DefaultValue("5s") Duration statementTimeout) {

    public QueryCostProperties {
        if (statementTimeout.isNegative()) {
            throw new IllegalArgumentException("quaero.db.statement-timeout must be 0 (off) or more, was " + statementTimeout);
        }
        if (statementTimeout.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("quaero.db.statement-timeout must be whole milliseconds (PostgreSQL's unit), was "
                + statementTimeout);
        }
    }

    /** Whether statements are cut at all. */
    boolean enabled() {
        return !statementTimeout.isZero();
    }
}
