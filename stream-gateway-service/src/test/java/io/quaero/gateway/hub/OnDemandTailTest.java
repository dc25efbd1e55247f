package io.quaero.gateway.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Issue 13, at the tail: on a real broker, a tail on on-demand {@link Channels} lets go of what
 * nobody needs, takes a partition when a registration needs it (the registration returns with
 * that partition's real position), and reads a partition added to the topic from its beginning
 * only while a registration needs every partition; one added while nobody does is taken from its
 * end when first needed.
 */
class OnDemandTailTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aNewPartitionIsReadFromItsBeginningWhileEveryPartitionIsNeededElseFromItsEndWhenFirstNeeded() throws Exception {
        String bootstrap = TestInfrastructure.shared().endpoints().kafkaBootstrap();
        String topic = "test-tail-on-demand-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                 new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            var kafka = new KafkaProperties();
            kafka.setBootstrapServers(List.of(bootstrap));
            List<String> dispatched = new CopyOnWriteArrayList<>();
            // Released as soon as nobody needs a partition (at the tail's next idle check).
            var channels = Channels.onDemand(new Channel.Limits(1, 1, () -> { }), Duration.ofSeconds(10), Duration.ZERO);
            var tail = new KafkaTail(kafka, topic, "test on-demand tail", channels, Duration.ofMillis(300)) {
                @Override
                protected void dispatch(ConsumerRecord<String, byte[]> record) {
                    dispatched.add(record.partition() + ":" + new String(record.value(), StandardCharsets.UTF_8));
                }
            };
            try {
                tail.start();
                await().atMost(WAIT).until(tail::isTailing);
                await("taken at start, let go when nobody needs it").atMost(WAIT).until(() -> tail.tailedPartitions().isEmpty());

                var everyPartition = new Subscriber(10, 10_000);
                channels.register(null, everyPartition, () -> null);
                assertThat(tail.tailedPartitions()).as("taken before the registration returns").containsExactly(0);
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(3))).all().get();
                producer.send(new ProducerRecord<>(topic, 2, null, "new partition")).get();
                await().atMost(WAIT).until(() -> dispatched.contains("2:new partition"));
                assertThat(tail.tailedPartitions()).containsExactly(0, 1, 2);

                channels.unregister(null, everyPartition, PartitionDemand.EVERY_PARTITION);
                await().atMost(WAIT).until(() -> tail.tailedPartitions().isEmpty());
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get();
                producer.send(new ProducerRecord<>(topic, 3, null, "before anyone needed it")).get();
                await().atMost(WAIT).until(() -> tail.partitionCount() == 4);
                assertThat(tail.tailedPartitions()).isEmpty();
                assertThat(tail.dispatchedUpTo(3)).isEqualTo(Channels.NOT_TAILED);

                var viewer = new Subscriber(10, 10_000);
                var registration = channels.register("job", viewer, () -> new Ring(3, 8, 1 << 20), 3);
                assertThat(registration.liveFrom()[3]).as("taken at its end: the one record there is history").isZero();
                assertThat(tail.tailedPartitions()).containsExactly(3);
                producer.send(new ProducerRecord<>(topic, 3, null, "after")).get();
                await().atMost(WAIT).until(() -> dispatched.contains("3:after"));
                assertThat(dispatched).doesNotContain("3:before anyone needed it").doesNotHaveDuplicates();
                assertThat(viewer.ending()).isNull();
                assertThat(tail.assignOverdue()).isFalse();
            } finally {
                tail.stop();
            }
        }
    }
}
