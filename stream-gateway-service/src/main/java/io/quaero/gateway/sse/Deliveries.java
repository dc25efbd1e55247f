package io.quaero.gateway.sse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counts the log entries this gateway wrote to clients (metric
 * {@code quaero.gateway.delivered.entries}): live batches and stored history alike, one per entry
 * per client. With the CPU of the process it gives the cost per delivered entry that
 * {@code bench/run gateway} measures.
 */
@Component
public class Deliveries {

    private final Counter entries;

    public Deliveries(MeterRegistry registry) {
        this.entries = Counter.builder("quaero.gateway.delivered.entries")
            .description("log entries written to clients")
            .register(registry);
    }

    public void entries(long n) {
        if (n > 0) {
            entries.increment(n);
        }
    }
}
