package io.quaero.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfrastructureTest {

    @Test
    void embeddedBrokerAcceptsARecordAndGivesItBack() throws Exception {
        String bootstrap = TestInfrastructure.shared().endpoints().kafkaBootstrap();
        try (var admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("infra-smoke", 3, (short) 1))).all().get();
        }
        var producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("infra-smoke", "job-1", "hello")).get();
        }
        var consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "infra-smoke");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("infra-smoke"));
            String value = null;
            for (int i = 0; i < 50 && value == null; i++) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    value = r.value();
                }
            }
            assertThat(value).isEqualTo("hello");
        }
    }

    @Test
    void embeddedPostgresHasTheTrigramExtensionTheSearchIndexNeeds() throws Exception {
        var endpoints = TestInfrastructure.shared().endpoints();
        try (var c = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
             var s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
            var rs = s.executeQuery("SELECT similarity('quaero', 'quaer0')");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getDouble(1)).isPositive();
        }
    }

    @Test
    void postgresComesBackWithItsDataAfterAStop(@TempDir Path dir) throws Exception {
        try (var pg = LocalPostgres.start(dir.resolve("pg"), 0)) {
            try (var c = DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.USER, "")) {
                c.createStatement().execute("CREATE TABLE t(x int); INSERT INTO t VALUES (42)");
            }
            pg.stop();
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.USER, "").close())
                .isInstanceOf(java.sql.SQLException.class);
            pg.start();
            try (var c = DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.USER, "")) {
                var rs = c.createStatement().executeQuery("SELECT x FROM t");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void startedWithASuperuserPasswordEveryLoginNeedsItsPasswordAcrossRestarts(@TempDir Path dir) throws Exception {
        // A data directory made with trust authentication first, as a cluster from before issue 14.
        LocalPostgres.start(dir.resolve("pg"), 0).close();
        try (var pg = LocalPostgres.start(dir.resolve("pg"), 0, Map.of(), "s3cret-Postgres")) {
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.USER, "").close())
                .isInstanceOf(java.sql.SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.USER, "wrong").close())
                .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("password authentication failed");
            pg.stop();
            pg.start();
            try (var c = DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.USER, "s3cret-Postgres")) {
                assertThat(c.isValid(1)).isTrue();
            }
        }
    }

    @Test
    void brokerKeepsItsTopicsAcrossARestartOnTheSameDataDirectory(@TempDir Path dir) throws Exception {
        try (var broker = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             var admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
        }
        try (var broker = EmbeddedKafka.start(dir.resolve("kafka"), 0);
             var admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).contains("kept");
        }
    }

    @Test
    void settingsNameTheVariableThatIsWrong() {
        assertThatThrownBy(() -> InfraSettings.from(Map.of("QUAERO_KAFKA_PORT", "nine"), Path.of("x"), 0, 0))
            .hasMessageContaining("QUAERO_KAFKA_PORT");
        assertThatThrownBy(() -> InfraSettings.from(Map.of("QUAERO_INFRA", "docker"), Path.of("x"), 0, 0))
            .hasMessageContaining("QUAERO_INFRA");
        var s = InfraSettings.from(Map.of("QUAERO_KAFKA_BOOTSTRAP", " broker:9092 "), Path.of("x"), 9092, 5432);
        assertThat(s.kafkaBootstrap()).isEqualTo("broker:9092");
        assertThat(s.dbUrl()).isNull();
        assertThat(s.dbPort()).isEqualTo(5432);
    }
}
