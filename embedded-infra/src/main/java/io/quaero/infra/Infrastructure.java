package io.quaero.infra;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Kafka and Postgres for one run of the stack or of a test JVM: configured endpoints are used as
 * they are; whatever is not configured is started here (embedded by default, containers on
 * request) and stopped by {@link #close()}.
 */
public final class Infrastructure implements AutoCloseable {

    /** Container images of the Testcontainers path, matching the embedded versions. */
    static final String KAFKA_IMAGE = "apache/kafka-native:4.1.2";
    static final String POSTGRES_IMAGE = "postgres:17";

    private static final Logger log = LoggerFactory.getLogger(Infrastructure.class);

    private final Endpoints endpoints;
    private final LocalPostgres localPostgres;
    private final List<AutoCloseable> started;

    private Infrastructure(Endpoints endpoints, LocalPostgres localPostgres, List<AutoCloseable> started) {
        this.endpoints = endpoints;
        this.localPostgres = localPostgres;
        this.started = started;
    }

    public static Infrastructure start(InfraSettings settings) throws IOException {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            if (settings.mode() == InfraSettings.Mode.TESTCONTAINERS
                && (settings.kafkaBootstrap() == null || settings.dbUrl() == null)
                && !DockerClientFactory.instance().isDockerAvailable()) {
                throw new IllegalStateException(
                    "QUAERO_INFRA=testcontainers but no Docker engine is reachable; unset it to use the embedded Kafka and Postgres");
            }
            String kafka = settings.kafkaBootstrap();
            if (kafka == null) {
                kafka = switch (settings.mode()) {
                    case EMBEDDED -> {
                        var broker = EmbeddedKafka.start(settings.dataDir().resolve("kafka"), settings.kafkaPort());
                        started.add(broker);
                        yield broker.bootstrapServers();
                    }
                    case TESTCONTAINERS -> {
                        var container = new KafkaContainer(KAFKA_IMAGE);
                        container.start();
                        started.add(container);
                        yield container.getBootstrapServers();
                    }
                };
            }
            LocalPostgres local = null;
            Endpoints endpoints;
            if (settings.dbUrl() != null) {
                endpoints = new Endpoints(kafka, settings.dbUrl(), settings.dbUser(), settings.dbPassword());
            } else if (settings.mode() == InfraSettings.Mode.EMBEDDED) {
                local = LocalPostgres.start(settings.dataDir().resolve("postgres"), settings.dbPort());
                started.add(local);
                endpoints = new Endpoints(kafka, local.jdbcUrl(), LocalPostgres.USER, "");
            } else {
                var container = new PostgreSQLContainer(POSTGRES_IMAGE);
                container.start();
                started.add(container);
                endpoints = new Endpoints(kafka, container.getJdbcUrl(), container.getUsername(), container.getPassword());
            }
            return new Infrastructure(endpoints, local, started);
        } catch (IOException | RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /** The embedded Postgres, when this run started one; tests use it to stage an outage. */
    public Optional<LocalPostgres> localPostgres() {
        return Optional.ofNullable(localPostgres);
    }

    @Override
    public void close() {
        closeAll(started);
    }

    /** Stops in reverse start order; one failure does not keep the rest running. */
    private static void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("could not stop {}", started.get(i), e);
            }
        }
        started.clear();
    }
}
