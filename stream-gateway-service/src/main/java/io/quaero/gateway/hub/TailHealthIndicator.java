package io.quaero.gateway.hub;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * UP while every live tail reads every partition its streams need; a gateway whose tail is down
 * (failed, and waiting to start again), or that has let a stream wait longer than the assign
 * timeout for a partition, serves streams that get no new records, so it must not say UP. Details
 * and metrics say which partitions each tail reads, what it skipped, how often it had to start
 * again, and how many bytes it pulled from the brokers (what on-demand partitions save).
 */
@Component("gatewayTail")
class TailHealthIndicator implements HealthIndicator, MeterBinder {

    private final List<KafkaTail> tails;
    private final Hub hub;

    TailHealthIndicator(List<KafkaTail> tails, Hub hub) {
        this.tails = tails;
        this.hub = hub;
    }

    @Override
    public Health health() {
        boolean allTailing = tails.stream().allMatch(t -> t.isTailing() && !t.assignOverdue());
        var builder = allTailing ? Health.up() : Health.down();
        for (KafkaTail tail : tails) {
            List<Integer> partitions = tail.tailedPartitions();
            builder.withDetail(tail.topic(), Map.of(
                "tailing", tail.isTailing(), "assignOverdue", tail.assignOverdue(), "partitions", partitions,
                "partitionCount", partitions.size(), "skipped", tail.skippedCount(), "restarts", tail.restartCount()));
        }
        return builder.withDetail("connections", hub.connectionCount()).build();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (KafkaTail tail : tails) {
            FunctionCounter.builder("quaero.gateway.tail.skipped", tail, KafkaTail::skippedCount)
                .description("records the live tail skipped (undecodable or against the rules)")
                .tag("topic", tail.topic()).register(registry);
            FunctionCounter.builder("quaero.gateway.tail.restarts", tail, KafkaTail::restartCount)
                .description("times the live tail's consumer failed and started again")
                .tag("topic", tail.topic()).register(registry);
            FunctionCounter.builder("quaero.gateway.tail.bytes", tail, KafkaTail::bytesRead)
                .description("record bytes the live tail fetched from the brokers (Kafka's bytes-consumed-total)")
                .baseUnit("bytes").tag("topic", tail.topic()).register(registry);
            Gauge.builder("quaero.gateway.tail.partitions", tail, t -> t.tailedPartitions().size())
                .description("partitions the live tail reads now (on demand for the job events)")
                .tag("topic", tail.topic()).register(registry);
        }
    }
}
