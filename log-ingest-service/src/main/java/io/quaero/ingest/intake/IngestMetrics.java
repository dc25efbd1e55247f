package io.quaero.ingest.intake;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * What ingest reports per topic: {@code quaero.ingest.records} (rate = records/s),
 * {@code quaero.ingest.batch.size}, {@code quaero.ingest.batch.duration} (decode-to-commit of one
 * poll). Dead letters ({@code quaero.ingest.dead.letters}) are counted where they are published,
 * consumer lag comes from the Kafka client's own metrics.
 */
@Component
public class IngestMetrics {

    private final MeterRegistry meters;
    /** When a batch of each topic was last stored (committed to the database). */
    private final Map<String, Instant> lastCommit = new ConcurrentHashMap<>();
    private final Instant started = Instant.now();

    IngestMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** When a batch of {@code topic} was last stored, or when this service started if none was. */
    public Instant lastCommit(String topic) {
        return lastCommit.getOrDefault(topic, started);
    }

    /** Runs one batch's write (including its commit) and records it. */
    public void batch(String topic, int records, Runnable write) {
        Timer.builder("quaero.ingest.batch.duration").tag("topic", topic).register(meters).record(write);
        lastCommit.put(topic, Instant.now());
        DistributionSummary.builder("quaero.ingest.batch.size").tag("topic", topic).register(meters).record(records);
        meters.counter("quaero.ingest.records", "topic", topic).increment(records);
    }
}
