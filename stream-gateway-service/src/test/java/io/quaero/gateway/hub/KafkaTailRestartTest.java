package io.quaero.gateway.hub;

import io.quaero.contracts.sse.Disconnect;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * Issue 10: a live tail never dies on data and never stays dead. On a real broker, a tail whose
 * dispatch throws skips that record and goes on; one hit by something worse (an error escaping
 * its dispatch) reports not tailing, starts again from the end, and ends the subscriptions made
 * before with {@link Disconnect#TAIL_RESTARTED} so their clients resume exactly from history.
 */
class KafkaTailRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aTailSkipsABadRecordAndAfterAnErrorIsDownThenStartsAgainAndEndsItsSubscriptions() throws Exception {
        String bootstrap = TestInfrastructure.shared().endpoints().kafkaBootstrap();
        String topic = "test-tail-restart-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        var kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of(bootstrap));
        List<String> dispatched = new CopyOnWriteArrayList<>();
        var channels = Channels.none();
        var beforeFailure = subscriber();
        var afterRestart = subscriber();
        var tail = new KafkaTail(kafka, topic, "test restart tail", channels) {
            @Override
            protected void dispatch(ConsumerRecord<String, byte[]> record) {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                switch (value) {
                    case "bad" -> throw new IllegalStateException("a record this tail cannot handle");
                    case "fatal" -> throw new LinkageError("an error escaping the dispatch");
                    default -> dispatched.add(value);
                }
            }
        };
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
            new StringSerializer(), new StringSerializer())) {
            tail.start();
            await().atMost(WAIT).until(tail::isTailing);
            channels.register(null, beforeFailure, () -> null);

            for (String v : List.of("a", "bad", "b")) {
                producer.send(new ProducerRecord<>(topic, v)).get();
            }
            await().atMost(WAIT).until(() -> dispatched.equals(List.of("a", "b")));
            assertThat(tail.skippedCount()).isEqualTo(1);
            assertThat(tail.restartCount()).isZero();

            producer.send(new ProducerRecord<>(topic, "fatal")).get();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> !tail.isTailing());
            await().atMost(WAIT).until(() -> tail.isTailing() && beforeFailure.ending() == Disconnect.TAIL_RESTARTED);
            assertThat(tail.restartCount()).isEqualTo(1);
            channels.register(null, afterRestart, () -> null);
            assertThat(afterRestart.ending()).as("a subscription made after the restart is live").isNull();

            producer.send(new ProducerRecord<>(topic, "c")).get();
            await().atMost(WAIT).until(() -> dispatched.contains("c"));
        } finally {
            tail.stop();
        }
        assertThat(beforeFailure.ending()).isEqualTo(Disconnect.TAIL_RESTARTED);
        assertThat(afterRestart.ending()).isEqualTo(Disconnect.SHUTDOWN);
        assertThat(tail.isTailing()).as("not tailing once stopped").isFalse();
    }

    @Test
    void partitionsAddedToTheTopicAreTailedFromTheirBeginning() throws Exception {
        String bootstrap = TestInfrastructure.shared().endpoints().kafkaBootstrap();
        String topic = "test-tail-growth-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            var kafka = new KafkaProperties();
            kafka.setBootstrapServers(List.of(bootstrap));
            List<String> dispatched = new CopyOnWriteArrayList<>();
            var tail = new KafkaTail(kafka, topic, "test growth tail", Channels.none(), Duration.ofMillis(300)) {
                @Override
                protected void dispatch(ConsumerRecord<String, byte[]> record) {
                    dispatched.add(record.partition() + ":" + new String(record.value(), StandardCharsets.UTF_8));
                }
            };
            try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
                tail.start();
                await().atMost(WAIT).until(tail::isTailing);
                producer.send(new ProducerRecord<>(topic, 0, null, "before")).get();
                await().atMost(WAIT).until(() -> dispatched.equals(List.of("0:before")));

                admin.createPartitions(Map.of(topic, org.apache.kafka.clients.admin.NewPartitions.increaseTo(3))).all().get();
                // Produced before the tail notices: still dispatched, from the new partition's beginning.
                producer.send(new ProducerRecord<>(topic, 2, null, "new partition")).get();
                await().atMost(WAIT).until(() -> tail.partitionCount() == 3);
                await().atMost(WAIT).until(() -> dispatched.contains("2:new partition"));
                producer.send(new ProducerRecord<>(topic, 0, null, "old partition")).get();
                await().atMost(WAIT).until(() -> dispatched.contains("0:old partition"));
                assertThat(dispatched).as("nothing twice").doesNotHaveDuplicates();
            } finally {
                tail.stop();
            }
        }
    }

    private static Subscriber subscriber() {
        return new Subscriber(10, 10_000);
    }
}
