package io.quaero.gateway;

import java.util.Map;

import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The one Kafka producer (acks=all) the gateway tests of a JVM publish through, closed at exit. */
final class TestProducer {

    private static KafkaProducer<String, byte[]> producer;

    private TestProducer() {
    }

    static synchronized KafkaProducer<String, byte[]> kafka() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap(),
                "acks", "all"), new StringSerializer(), new ByteArraySerializer());
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(producer::close));
        }
        return producer;
    }
}
