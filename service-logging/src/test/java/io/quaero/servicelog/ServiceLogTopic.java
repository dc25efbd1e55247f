package io.quaero.servicelog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The real {@code quaero.service-logs} topic of a test broker: created here as log-ingest would
 * (one partition), since the appender never creates topics, and read from the beginning with a
 * plain consumer. Tests tell their lines apart by a unique instance name or message marker.
 */
final class ServiceLogTopic {

    /** A line as it arrived: record key and decoded value. */
    record Received(String key, ServiceLogEvent event) {
    }

    private static final EventCodec CODEC = new EventCodec();
    private static final TopicPartition PARTITION = new TopicPartition(Topics.SERVICE_LOGS, 0);

    private final String bootstrap;

    private ServiceLogTopic(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** The topic on the broker all tests of this JVM share. */
    static ServiceLogTopic shared() {
        return on(TestInfrastructure.shared().endpoints().kafkaBootstrap());
    }

    /** The topic on {@code bootstrap}, created if missing. */
    static ServiceLogTopic on(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(Topics.SERVICE_LOGS, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create " + Topics.SERVICE_LOGS, e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create " + Topics.SERVICE_LOGS, e);
        }
        return new ServiceLogTopic(bootstrap);
    }

    String bootstrap() {
        return bootstrap;
    }

    /**
     * Reads the whole topic until the lines that pass {@code filter} satisfy {@code done}, or
     * {@code timeout} passes; returns those lines in topic order either way (the caller asserts).
     */
    List<Received> read(Predicate<ServiceLogEvent> filter, Predicate<List<Received>> done, Duration timeout) {
        List<Received> matching = new ArrayList<>();
        var config = Map.<String, Object>of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(PARTITION));
            consumer.seekToBeginning(List.of(PARTITION));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(matching) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ServiceLogEvent event = CODEC.decodeServiceLog(r.value());
                    if (filter.test(event)) {
                        matching.add(new Received(r.key(), event));
                    }
                }
            }
        }
        return matching;
    }

    /** Reads until a line of {@code instance} whose message contains {@code marker} has arrived. */
    List<Received> readUntilMarker(String instance, String marker, Duration timeout) {
        return read(e -> e.instance().equals(instance),
            lines -> lines.stream().anyMatch(l -> l.event().message().contains(marker)), timeout);
    }

    static String uniqueInstance(String test) {
        return test + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
