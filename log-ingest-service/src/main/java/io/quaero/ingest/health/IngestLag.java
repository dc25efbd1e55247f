package io.quaero.ingest.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.quaero.ingest.config.IngestProperties;
import io.quaero.ingest.config.KafkaConfiguration;
import io.quaero.ingest.intake.LastCommits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * The lag of each ingest listener: over the partitions assigned to it, the records between its
 * group's committed offset and the end of the log. Offsets are committed only once rows are
 * durable, so this counts exactly what is not stored yet, a batch held in memory through an
 * outage included (the consumer's own {@code records-lag} does not count those: they are fetched).
 * Gauges {@code quaero.ingest.lag} (records) and {@code quaero.ingest.last.commit.age} (seconds
 * since the last stored batch, NaN before the first), tagged with the topic.
 *
 * <p>Implementation notes. One named daemon thread asks the broker once per interval: two admin
 * requests for all listeners (a third only for partitions with no committed offset yet), each
 * bounded by {@value #TIMEOUT_MS} ms. Health checks and metric scrapes read the last sample and
 * never wait on Kafka. The interval is a quarter of {@code stuck-after}, within 250 ms..5 s (5 s
 * when that check is off). A failed sample leaves the lag unknown; the {@code kafka} health check
 * reports the broker.
 */
@Component
class IngestLag implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(IngestLag.class);

    /** Longest wait for one admin request. */
    private static final int TIMEOUT_MS = 2_000;
    /** Bounds of the sampling interval: the cost of at most 4 × 2 admin requests a second, the staleness of the lag. */
    private static final Duration MIN_INTERVAL = Duration.ofMillis(250);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(5);

    private final KafkaListenerEndpointRegistry registry;
    private final Admin admin;
    private final Duration interval;
    /** Sampling starts here: a listener is taken as up to date at start, so it has stuck-after to store its first batch. */
    private final Instant started = Instant.now();
    private final Map<String, Sample> samples = new ConcurrentHashMap<>();
    private ScheduledExecutorService sampler;
    private boolean failing;

    /** The last sample of one listener: its lag (empty if unknown) and when it was last seen caught up. */
    record Sample(Optional<Long> lag, Instant caughtUpAt) {
    }

    IngestLag(KafkaListenerEndpointRegistry registry, KafkaProperties kafka, IngestProperties props, LastCommits commits,
              MeterRegistry meters) {
        this.registry = registry;
        Map<String, Object> config = kafka.buildAdminProperties();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        this.admin = Admin.create(config);
        Duration quarter = props.stuckAfter().dividedBy(4);
        this.interval = props.stuckAfter().isZero() || quarter.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL
            : quarter.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : quarter;
        KafkaConfiguration.LISTENER_TOPICS.forEach((id, topic) -> {
            Gauge.builder("quaero.ingest.lag", this, lag -> lag.last(id).lag().map(Long::doubleValue).orElse(Double.NaN))
                .tag("topic", topic).baseUnit("records").description("records not stored yet").register(meters);
            TimeGauge.builder("quaero.ingest.last.commit.age", commits, TimeUnit.MILLISECONDS,
                    c -> c.of(topic).map(at -> (double) Duration.between(at, Instant.now()).toMillis()).orElse(Double.NaN))
                .tag("topic", topic).description("time since a batch was last stored").register(meters);
        });
    }

    @Override
    public void afterPropertiesSet() {
        sampler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .name("ingest lag sampler").daemon(true).unstarted(r));
        sampler.scheduleWithFixedDelay(this::sampleSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
        admin.close(Duration.ofSeconds(1));
    }

    /** The last sample of a listener; before the first one, lag unknown and caught up at start. */
    Sample last(String listenerId) {
        return samples.getOrDefault(listenerId, new Sample(Optional.empty(), started));
    }

    private void sampleSafely() {
        try {
            takeSample();
            if (failing) {
                log.info("ingest lag known again");
                failing = false;
            }
        } catch (Exception e) {
            KafkaConfiguration.LISTENER_TOPICS.keySet()
                .forEach(id -> samples.put(id, new Sample(Optional.empty(), last(id).caughtUpAt())));
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                return;
            }
            // Once per failing stretch, not once per interval.
            if (!failing) {
                log.warn("could not read ingest lag from Kafka (will keep trying every {} ms): {}", interval.toMillis(), e.toString());
                failing = true;
            }
        }
    }

    private void takeSample() throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Collection<TopicPartition>> assigned = new HashMap<>();
        Map<String, List<TopicPartition>> byGroup = new HashMap<>();
        Set<TopicPartition> all = new HashSet<>();
        for (String id : KafkaConfiguration.LISTENER_TOPICS.keySet()) {
            MessageListenerContainer container = registry.getListenerContainer(id);
            Collection<TopicPartition> partitions = container == null || container.getAssignedPartitions() == null
                ? List.of() : container.getAssignedPartitions();
            assigned.put(id, partitions);
            if (!partitions.isEmpty()) {
                byGroup.computeIfAbsent(container.getGroupId(), g -> new ArrayList<>()).addAll(partitions);
                all.addAll(partitions);
            }
        }
        Map<TopicPartition, Long> committed = new HashMap<>();
        Map<TopicPartition, Long> ends = new HashMap<>();
        if (!all.isEmpty()) {
            Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
            byGroup.forEach((group, partitions) -> specs.put(group, new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)));
            var offsets = admin.listConsumerGroupOffsets(specs, new ListConsumerGroupOffsetsOptions().timeoutMs(TIMEOUT_MS));
            for (String group : specs.keySet()) {
                Map<TopicPartition, OffsetAndMetadata> byPartition = offsets.partitionsToOffsetAndMetadata(group)
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                byPartition.forEach((tp, offset) -> {
                    if (offset != null) {
                        committed.put(tp, offset.offset());
                    }
                });
            }
            ends.putAll(offsets(all, OffsetSpec.latest()));
            // A partition this group never committed starts where the log starts (auto.offset.reset=earliest).
            Set<TopicPartition> uncommitted = new HashSet<>(all);
            uncommitted.removeAll(committed.keySet());
            if (!uncommitted.isEmpty()) {
                committed.putAll(offsets(uncommitted, OffsetSpec.earliest()));
            }
        }
        Instant now = Instant.now();
        assigned.forEach((id, partitions) -> {
            long lag = 0;
            for (TopicPartition tp : partitions) {
                lag += Math.max(0, ends.getOrDefault(tp, 0L) - committed.getOrDefault(tp, 0L));
            }
            samples.put(id, new Sample(Optional.of(lag), lag == 0 ? now : last(id).caughtUpAt()));
        });
    }

    private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, OffsetSpec spec)
        throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(TIMEOUT_MS)).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }
}
