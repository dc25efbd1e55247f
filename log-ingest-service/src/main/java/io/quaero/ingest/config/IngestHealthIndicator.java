package io.quaero.ingest.config;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quaero.contracts.Topics;
import io.quaero.ingest.intake.IngestMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Ingest in {@code /actuator/health} ({@code ingest}): DOWN while it is stuck, never UP just
 * because the process answers. Stuck means records are waiting (the group's lag on a topic is
 * above 0) and no batch of that topic has been stored for {@code stuck-after} — a poison batch
 * retried for ever, a database that refuses every write, a dead consumer; not a lag threshold,
 * which flaps under load. A listener container that is not running is DOWN too.
 *
 * <p>The lag is the group's committed offsets against the log ends, read with two admin calls
 * of at most {@value #TIMEOUT_MS} ms each, at most once per {@link #REFRESH} (health checks and
 * the gauges share the reading).
 */
@Component("ingest")
class IngestHealthIndicator implements HealthIndicator, MeterBinder, DisposableBean {

    /** Ingest's listeners (by id); other services' containers in a shared context are not ingest's. */
    private static final List<String> LISTENERS = List.of("ingest-job-events", "ingest-service-logs");
    private static final List<String> TOPICS = List.of(Topics.JOB_EVENTS, Topics.SERVICE_LOGS);
    private static final int TIMEOUT_MS = 2_000;
    /** How long one lag reading serves health checks and gauges. */
    private static final Duration REFRESH = Duration.ofSeconds(5);

    private final Admin admin;
    private final IngestMetrics metrics;
    private final KafkaListenerEndpointRegistry listeners;
    private final Duration stuckAfter;
    private volatile Reading last = new Reading(Instant.EPOCH, Map.of(), null);

    /** Lag per topic at a moment, or why it could not be read. */
    private record Reading(Instant at, Map<String, Long> lag, String error) {
    }

    IngestHealthIndicator(KafkaProperties kafka, IngestMetrics metrics, KafkaListenerEndpointRegistry listeners,
                          IngestProperties props) {
        Map<String, Object> config = kafka.buildAdminProperties();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        this.admin = Admin.create(config);
        this.metrics = metrics;
        this.listeners = listeners;
        this.stuckAfter = props.stuckAfter();
    }

    @Override
    public Health health() {
        Reading reading = reading();
        Instant now = Instant.now();
        boolean down = false;
        Map<String, Object> topics = new HashMap<>();
        for (String topic : TOPICS) {
            Instant lastCommit = metrics.lastCommit(topic);
            long idleSeconds = Duration.between(lastCommit, now).toSeconds();
            long lag = reading.lag().getOrDefault(topic, 0L);
            boolean stuck = !stuckAfter.isZero() && lag > 0 && Duration.between(lastCommit, now).compareTo(stuckAfter) > 0;
            down |= stuck;
            topics.put(topic, Map.of("lag", lag, "lastCommit", lastCommit.toString(), "secondsSinceCommit", idleSeconds,
                "stuck", stuck));
        }
        List<String> stopped = LISTENERS.stream()
            .filter(id -> {
                MessageListenerContainer c = listeners.getListenerContainer(id);
                return c != null && !c.isRunning();
            }).toList();
        down |= !stopped.isEmpty();
        var builder = down ? Health.down() : Health.up();
        builder.withDetails(topics).withDetail("stuckAfter", stuckAfter.toString());
        if (!stopped.isEmpty()) {
            builder.withDetail("stoppedListeners", stopped);
        }
        if (reading.error() != null) {
            builder.withDetail("lagUnknown", reading.error());
        }
        return builder.build();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String topic : TOPICS) {
            Gauge.builder("quaero.ingest.lag", this, h -> h.reading().lag().getOrDefault(topic, 0L))
                .description("records of the topic not yet stored by the ingest group").tag("topic", topic)
                .baseUnit("records").register(registry);
            Gauge.builder("quaero.ingest.last.commit.age", metrics,
                    m -> Duration.between(m.lastCommit(topic), Instant.now()).toMillis() / 1000.0)
                .description("seconds since a batch of the topic was last stored").tag("topic", topic)
                .baseUnit("seconds").register(registry);
        }
    }

    private Reading reading() {
        Reading r = last;
        if (Duration.between(r.at(), Instant.now()).compareTo(REFRESH) < 0) {
            return r;
        }
        synchronized (this) {
            if (last != r) {
                return last;
            }
            last = read();
            return last;
        }
    }

    private Reading read() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(KafkaConfiguration.GROUP_ID)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            var partitions = admin.describeTopics(TOPICS).allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).values()
                .stream().flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            var ends = admin.listOffsets(partitions).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<String, Long> lag = new HashMap<>();
            ends.forEach((tp, end) -> {
                OffsetAndMetadata c = committed.get(tp);
                // No commit yet on a partition with records: all of them wait (the group reads from the earliest).
                long behind = end.offset() - (c == null ? 0 : c.offset());
                lag.merge(tp.topic(), Math.max(0, behind), Long::sum);
            });
            return new Reading(Instant.now(), lag, null);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Reading(Instant.now(), last.lag(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(1));
    }
}
