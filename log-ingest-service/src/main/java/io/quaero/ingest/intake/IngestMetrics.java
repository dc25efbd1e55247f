package io.quaero.ingest.intake;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * What ingest reports per topic: {@code quaero.ingest.records} (rate = records/s),
 * {@code quaero.ingest.batch.size}, {@code quaero.ingest.batch.duration} (decode-to-commit of one
 * poll, including the dead letters it needed). Dead letters ({@code quaero.ingest.dead.letters}) are
 * counted where they are published ({@link DeadLetters}); lag and the age of the last stored batch
 * ({@code quaero.ingest.lag}, {@code quaero.ingest.last.commit.age}) by the health package.
 */
@Component
public class IngestMetrics {

    private final MeterRegistry meters;

    IngestMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Runs one batch's write (including its commit) and records it. */
    public void batch(String topic, int records, Runnable write) {
        Timer.builder("quaero.ingest.batch.duration").tag("topic", topic).register(meters).record(write);
        DistributionSummary.builder("quaero.ingest.batch.size").tag("topic", topic).register(meters).record(records);
        meters.counter("quaero.ingest.records", "topic", topic).increment(records);
    }
}
