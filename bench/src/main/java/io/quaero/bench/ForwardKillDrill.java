package io.quaero.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.ForwardedHeader;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.infra.Endpoints;
import io.quaero.infra.InfraSettings;
import io.quaero.infra.Infrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 11's drill: log-ingest killed with SIGKILL while it forwards. One job's lines are
 * produced round-robin over the partitions (as kafka-go's default balancer does), so most of them
 * must be copied to the job's partition; log-ingest runs from its executable jar as its own
 * process and is killed {@code kills} times mid-way, each time started again. Printed: lines
 * produced, stored, distinct and gapless; copies in Kafka and how many of them repeat an
 * original (made again after a kill, before the source offset was committed).
 */
final class ForwardKillDrill {

    private static final Path INGEST_JAR = Path.of("log-ingest-service/target/log-ingest-service-0.1.0-SNAPSHOT-exec.jar");
    private static final Duration WAIT = Duration.ofSeconds(180);

    private ForwardKillDrill() {
    }

    static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
        int kills = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path data = Files.createTempDirectory("quaero-bench-forward-kill");
        System.out.printf("forward-kill drill: %,d lines of one job produced round-robin over 6 partitions, log-ingest "
            + "killed (SIGKILL) %d times while it forwards, %d cores, data in %s%n", lines, kills,
            Runtime.getRuntime().availableProcessors(), data);
        try (var stores = new BenchStores(data); var infra = Infrastructure.start(InfraSettings.fromEnvironment(data, 0, 0))) {
            Endpoints e = infra.endpoints();
            try (var admin = Admin.create(Map.of("bootstrap.servers", e.kafkaBootstrap()))) {
                admin.createTopics(List.of(new NewTopic(Topics.JOB_EVENTS, 6, (short) 1))).all().get();
            }
            UUID job = UUID.randomUUID();
            ServiceJarProcess ingest = startIngest(e, data, 0);
            try (var db = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword())) {
                produce(e, job, lines);
                for (int k = 1; k <= kills; k++) {
                    long target = (long) lines * k / (kills + 1);
                    awaitStored(db, job, target);
                    ingest.kill();
                    System.out.printf("  killed log-ingest with %,d lines stored%n", stored(db, job));
                    ingest = startIngest(e, data, k);
                }
                long start = System.nanoTime();
                awaitStored(db, job, lines);
                System.out.printf("  all stored %.1f s after the last restart%n", (System.nanoTime() - start) / 1e9);
                report(e, db, job, lines, kills);
            } finally {
                ingest.close();
            }
        }
    }

    private static ServiceJarProcess startIngest(Endpoints e, Path data, int run) throws Exception {
        var ingest = ServiceJarProcess.start(INGEST_JAR, e, data.resolve("ingest-" + run + ".log"));
        ingest.awaitUp("ingest", WAIT);
        return ingest;
    }

    private static void produce(Endpoints e, UUID job, int lines) throws Exception {
        var codec = new EventCodec();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, e.kafkaBootstrap(),
            ProducerConfig.PARTITIONER_CLASS_CONFIG, RoundRobinPartitioner.class.getName(),
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 1; i <= lines; i++) {
                producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(
                    new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, "line " + i, null, null, "drill"))));
            }
            producer.flush();
        }
    }

    private static void report(Endpoints e, Connection db, UUID job, int lines, int kills) throws Exception {
        long rows;
        long distinct;
        long maxLine;
        int home;
        try (var st = db.prepareStatement("SELECT count(*), count(DISTINCT event_id), max(line), min(kafka_partition) "
            + "FROM job_logs WHERE job_id = ?")) {
            st.setObject(1, job);
            try (var rs = st.executeQuery()) {
                rs.next();
                rows = rs.getLong(1);
                distinct = rs.getLong(2);
                maxLine = rs.getLong(3);
                home = rs.getInt(4);
            }
        }
        long copies = 0;
        Set<Cursor> origins = new HashSet<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", e.kafkaBootstrap()),
            new StringDeserializer(), new ByteArrayDeserializer())) {
            var tp = new TopicPartition(Topics.JOB_EVENTS, home);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    Cursor from = ForwardedHeader.from(r.headers());
                    if (from != null) {
                        copies++;
                        origins.add(from);
                    }
                }
            }
        }
        System.out.printf("  produced %,d lines; stored %,d rows, %,d distinct events, lines 1..%,d (%s)%n", lines, rows, distinct,
            maxLine, rows == lines && distinct == lines && maxLine == lines ? "each once, gapless" : "NOT each once");
        System.out.printf("  copies in the job's partition %d: %,d, of %,d originals; %,d made twice (after a kill)%n",
            home, copies, origins.size(), copies - origins.size());
        System.out.printf("RESULT forward-kill: %d kills, %,d of %,d lines stored (%,d distinct), %,d repeated copies%n",
            kills, rows, lines, distinct, copies - origins.size());
    }

    private static long stored(Connection db, UUID job) throws Exception {
        try (var st = db.prepareStatement("SELECT count(*) FROM job_logs WHERE job_id = ?")) {
            st.setObject(1, job);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void awaitStored(Connection db, UUID job, long atLeast) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (stored(db, job) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fewer than " + atLeast + " lines stored within " + WAIT);
            }
            Thread.sleep(20);
        }
    }
}
