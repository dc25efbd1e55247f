package io.quaero.dev.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.quaero.contracts.Topics;
import io.quaero.infra.KafkaCredentials;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14, "who may see and do what", on Kafka: the three nodes of {@code ./quaero cluster}, as
 * their own processes and locked down as there (SASL/SCRAM, the ACLs of deploy/kafka/acls.conf
 * created by the super user), and real clients of each user trying what they may and may not do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Issue14KafkaAclTest {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** How long a refused client is given to say so; a refusal comes in well under a second. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    private ClusterKafka kafka;

    @BeforeAll
    void startTheSecuredNodes() throws Exception {
        kafka = ClusterKafka.prepare(Path.of("target/acl-cluster").toAbsolutePath(), ClusterPorts.free(), true);
        kafka.nodes().forEach(Node::start);
        try (var admin = kafka.admin()) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!kafka.allBrokersUp(admin)) {
                for (Node node : kafka.nodes()) {
                    assertThat(node.alive()).as("%s is alive; its log ends:%n%s", node.name(), node.logTail(30)).isTrue();
                }
                assertThat(System.nanoTime()).as("the brokers came up within %s", START_TIMEOUT).isLessThan(deadline);
                Thread.sleep(250);
            }
            kafka.applyAcls(admin, Path.of(".."));
            // As the services would (kafka-topics), but by the super user: this test is about the clients.
            admin.createTopics(List.of(Topics.JOB_EVENTS, Topics.JOB_STATUS, Topics.SERVICE_LOGS, Topics.DEAD_LETTER, Topics.JOB_DISPATCH,
                    Topics.AUDIT)
                .stream().map(t -> new NewTopic(t, 2, (short) 3)).toList()).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stopTheNodes() throws InterruptedException {
        if (kafka != null) {
            for (Node node : kafka.nodes()) {
                node.stop();
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // The worker credential: what docs/WORKERS.md gives an outside worker

    @Test
    void aWorkerPublishesJobEventsAndItsOwnLogLines() throws Exception {
        assertThat(send("worker", Topics.JOB_EVENTS).hasOffset()).isTrue();
        assertThat(send("worker", Topics.SERVICE_LOGS).hasOffset()).isTrue();
    }

    @Test
    void aWorkerReadsCommandsInAGroupOfItsOwn() throws Exception {
        String key = UUID.randomUUID().toString();
        send("job-service", Topics.JOB_DISPATCH, key);
        String group = "quaero.worker." + UUID.randomUUID();
        try (var consumer = consumer("worker", group)) {
            consumer.subscribe(List.of(Topics.JOB_DISPATCH));
            assertThat(pollFor(consumer, key)).as("the command, read by the worker in group %s", group).isNotNull();
        }
    }

    @Test
    void aWorkerCannotReadOtherJobsEvents() {
        try (var consumer = consumer("worker", "quaero.worker." + UUID.randomUUID())) {
            consumer.subscribe(List.of(Topics.JOB_EVENTS));
            assertThat(catchThrowable(() -> pollFor(consumer, "nothing"))).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aWorkerCannotReadTheDeadLetters() {
        assertThat(catchThrowable(() -> readAssigned("worker", Topics.DEAD_LETTER))).isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void aWorkerCannotDispatchCommandsNorWriteDeadLettersNorJobStatusNorAuditEntries() {
        for (String topic : List.of(Topics.JOB_DISPATCH, Topics.DEAD_LETTER, Topics.JOB_STATUS, Topics.AUDIT)) {
            assertThat(sendFailure("worker", topic)).as(topic).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aWorkerCannotJoinTheBuiltInWorkersGroupNorIngestsNorAnyOutsideItsPrefix() {
        for (String group : List.of("quaero-workers", "ingest-job-events", "quaero.workers")) {
            try (var consumer = consumer("worker", group)) {
                consumer.subscribe(List.of(Topics.JOB_DISPATCH));
                assertThat(catchThrowable(() -> pollFor(consumer, "nothing"))).as(group).isInstanceOf(GroupAuthorizationException.class);
            }
        }
    }

    @Test
    void aWorkerCannotCreateOrDeleteTopics() {
        try (var admin = Admin.create(kafka.clientProperties("worker"))) {
            assertThat(catchThrowable(() -> admin.createTopics(List.of(new NewTopic("quaero.worker-made", 1, (short) 3)))
                .all().get(30, TimeUnit.SECONDS))).hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThat(catchThrowable(() -> admin.deleteTopics(List.of(Topics.JOB_EVENTS)).all().get(30, TimeUnit.SECONDS)))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> config = kafka.clientProperties("worker");
        config.put("sasl.jaas.config", KafkaCredentials.scramLogin("worker", "not-" + kafka.credentials().password("worker")));
        try (var admin = Admin.create(config)) {
            assertThat(catchThrowable(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)))
                .hasCauseInstanceOf(AuthenticationException.class);
        }
    }

    @Test
    void anUnknownUserIsRefused() {
        Map<String, Object> config = kafka.clientProperties("worker");
        config.put("sasl.jaas.config", KafkaCredentials.scramLogin("mallory", kafka.credentials().password("worker")));
        try (var admin = Admin.create(config)) {
            assertThat(catchThrowable(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)))
                .hasCauseInstanceOf(AuthenticationException.class);
        }
    }

    @Test
    void onlyTheWorkerMayLogInWithPlainForOldLibrdkafkaClients() throws Exception {
        try (var admin = Admin.create(plainLogin("worker", kafka.credentials().password("worker")))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
        }
        for (String user : List.of("stream-gateway", "admin")) {
            try (var admin = Admin.create(plainLogin(user, kafka.credentials().password(user)))) {
                assertThat(catchThrowable(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))).as(user)
                    .hasCauseInstanceOf(AuthenticationException.class);
            }
        }
    }

    @Test
    void kcatWithTheWorkersSettingsFilePublishesJobEventsAndNothingElse() throws Exception {
        Path settings = kafka.credentials().dir().resolve("worker.librdkafka.conf");
        // As KcatWorker (the drills' outside worker) runs it: Debian's kcat is on librdkafka 2.0, hence PLAIN.
        assertThat(kcatProduce(settings, Topics.JOB_EVENTS)).isEqualTo("");
        assertThat(kcatProduce(settings, Topics.JOB_DISPATCH)).containsIgnoringCase("authoriz");
    }

    /** What a one-line {@code kcat -P} as the worker says on failure; empty when it delivered. */
    private String kcatProduce(Path settings, String topic) throws Exception {
        Process kcat = new ProcessBuilder(KcatWorker.KCAT.getPath(), "-F", settings.toString(), "-X", "sasl.mechanisms=PLAIN",
            "-X", "message.timeout.ms=20000", "-P", "-b", kafka.bootstrap(), "-t", topic, "-K", "|").redirectErrorStream(true).start();
        try (var in = kcat.getOutputStream()) {
            in.write((UUID.randomUUID() + "|{}\n").getBytes());
        }
        String output = new String(kcat.getInputStream().readAllBytes()).lines()
            .filter(l -> !l.startsWith("% Reading configuration")).collect(Collectors.joining("\n"));
        assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return kcat.exitValue() == 0 ? output : "exit " + kcat.exitValue() + ": " + output;
    }

    private Map<String, Object> plainLogin(String user, String password) {
        Map<String, Object> config = kafka.clientProperties(user);
        config.put("sasl.mechanism", "PLAIN");
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
            + "\" password=\"" + password + "\";");
        return config;
    }

    // ------------------------------------------------------------------------------------------
    // Each service: its own job, not another's

    @Test
    void theGatewayReadsItsTopicsWithoutAGroupAndWritesNothingButItsOwnLogLinesAndAuditEntries() throws Exception {
        String key = UUID.randomUUID().toString();
        send("worker", Topics.JOB_EVENTS, key);
        assertThat(readAssigned("stream-gateway", Topics.JOB_EVENTS)).extracting(ConsumerRecord::key).contains(key);
        for (String topic : List.of(Topics.JOB_STATUS, Topics.SERVICE_LOGS, Topics.DEAD_LETTER)) {
            assertThat(catchThrowable(() -> readAssigned("stream-gateway", topic))).as(topic).isNull();
        }
        assertThat(send("stream-gateway", Topics.SERVICE_LOGS).hasOffset()).isTrue();
        assertThat(send("stream-gateway", Topics.AUDIT).hasOffset()).as("a download's audit entry").isTrue();
        assertThat(catchThrowable(() -> readAssigned("stream-gateway", Topics.AUDIT))).isInstanceOf(TopicAuthorizationException.class);
        for (String topic : List.of(Topics.JOB_EVENTS, Topics.JOB_STATUS, Topics.JOB_DISPATCH, Topics.DEAD_LETTER)) {
            assertThat(sendFailure("stream-gateway", topic)).as(topic).isInstanceOf(TopicAuthorizationException.class);
        }
        send("job-service", Topics.JOB_DISPATCH);
        assertThat(catchThrowable(() -> readAssigned("stream-gateway", Topics.JOB_DISPATCH))).isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void ingestStoresInItsGroupAndPublishesStatusButDispatchesNothing() throws Exception {
        String key = UUID.randomUUID().toString();
        send("worker", Topics.JOB_EVENTS, key);
        try (var consumer = consumer("log-ingest", "ingest-job-events")) {
            consumer.subscribe(List.of(Topics.JOB_EVENTS));
            assertThat(pollFor(consumer, key)).isNotNull();
        }
        assertThat(send("log-ingest", Topics.JOB_STATUS).hasOffset()).isTrue();
        assertThat(send("log-ingest", Topics.DEAD_LETTER).hasOffset()).isTrue();
        assertThat(sendFailure("log-ingest", Topics.JOB_DISPATCH)).isInstanceOf(TopicAuthorizationException.class);
        try (var consumer = consumer("log-ingest", "ingest-service-logs")) {
            consumer.subscribe(List.of(Topics.JOB_DISPATCH));
            assertThat(catchThrowable(() -> pollFor(consumer, "nothing"))).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void jobServiceDispatchesAndReadsInItsWorkersGroupButPublishesNoStatusChange() throws Exception {
        String key = UUID.randomUUID().toString();
        send("job-service", Topics.JOB_DISPATCH, key);
        try (var consumer = consumer("job-service", "quaero-workers")) {
            consumer.subscribe(List.of(Topics.JOB_DISPATCH));
            assertThat(pollFor(consumer, key)).isNotNull();
        }
        String entry = UUID.randomUUID().toString();
        send("stream-gateway", Topics.AUDIT, entry);
        try (var consumer = consumer("job-service", "job-service-audit")) {
            consumer.subscribe(List.of(Topics.AUDIT));
            assertThat(pollFor(consumer, entry)).as("job-service stores the gateway's audit entries").isNotNull();
        }
        assertThat(sendFailure("job-service", Topics.AUDIT)).isInstanceOf(TopicAuthorizationException.class);
        assertThat(send("job-service", Topics.JOB_EVENTS).hasOffset()).isTrue();
        assertThat(sendFailure("job-service", Topics.JOB_STATUS)).isInstanceOf(TopicAuthorizationException.class);
        assertThat(catchThrowable(() -> readAssigned("job-service", Topics.JOB_EVENTS))).isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void webUiWritesItsOwnLogLinesOnly() throws Exception {
        assertThat(send("web-ui", Topics.SERVICE_LOGS).hasOffset()).isTrue();
        assertThat(sendFailure("web-ui", Topics.JOB_EVENTS)).isInstanceOf(TopicAuthorizationException.class);
        assertThat(catchThrowable(() -> readAssigned("web-ui", Topics.SERVICE_LOGS))).isInstanceOf(TopicAuthorizationException.class);
    }

    // ------------------------------------------------------------------------------------------

    private RecordMetadata send(String user, String topic) throws Exception {
        return send(user, topic, UUID.randomUUID().toString());
    }

    /** Sends one record as {@code user}, idempotent with {@code acks=all} as every Quaero producer. */
    private RecordMetadata send(String user, String topic, String key) throws Exception {
        try (var producer = producer(user)) {
            return producer.send(new ProducerRecord<>(topic, key, "{}")).get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Why a send as {@code user} failed (its cause, unwrapped), or null if it did not. */
    private @Nullable Throwable sendFailure(String user, String topic) {
        try {
            send(user, topic);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    private KafkaProducer<String, String> producer(String user) {
        Map<String, Object> config = kafka.clientProperties(user);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) ANSWER_TIMEOUT.toMillis());
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(String user, @Nullable String group) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties(user));
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ANSWER_TIMEOUT.toMillis());
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** Polls until a record with {@code key} arrives (null after {@link #ANSWER_TIMEOUT}); a refusal is thrown. */
    private static @Nullable ConsumerRecord<String, String> pollFor(KafkaConsumer<String, String> consumer, String key) {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (var record : consumer.poll(Duration.ofMillis(500))) {
                if (key.equals(record.key())) {
                    return record;
                }
            }
        }
        return null;
    }

    /** Everything in {@code topic} so far, read as a gateway reads: partitions assigned, no group. */
    private List<ConsumerRecord<String, String>> readAssigned(String user, String topic) {
        try (var consumer = consumer(user, null)) {
            var partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            var records = new ArrayList<ConsumerRecord<String, String>>();
            long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
            // At least one fetch, even of an empty topic: a refused read is refused there.
            do {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            } while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline);
            return records;
        }
    }
}
