package io.quaero.dev.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.SseClient;
import io.quaero.jobs.accounts.DevAdmin;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The failure drills, against the whole topology of {@code ./quaero cluster} — three Kafka nodes,
 * two ingest and three gateway processes, nginx over HTTPS — at the scale CI holds: a {@code load}
 * job at 300 lines/s for 20 s watched by 20 SSE clients through the balancer (200 in the rolling
 * restart), in groups of ten per HTTP/2 connection as a browser's tabs, each reconnecting as
 * EventSource does ({@code bench/run drills RATE CLIENTS} runs them bigger, through the system
 * properties {@code quaero.drill.rate}, {@code .seconds}, {@code .clients}, {@code .rolling-clients}).
 * Drill 3 runs twice: with the built-in load job, and with an outside worker on kcat (librdkafka's
 * CRC32 partitioner). Mid-load, one part is broken on purpose; afterwards the database must hold
 * every line exactly once, gapless, and every client must have received exactly the stored
 * sequence from its first line on: each line in order, under the number its event is stored with
 * (compared by event id, so a line numbered one off is caught even when the numbers run on
 * without a gap). Each drill prints its figures (also to {@code target/drills.txt}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDrillTest {

    static final int RATE = Integer.getInteger("quaero.drill.rate", 300);
    static final int SECONDS = Integer.getInteger("quaero.drill.seconds", 20);
    static final int CLIENTS = Integer.getInteger("quaero.drill.clients", 20);
    /** Drill 5 moves every client three times, with the 200 clients (at any scale). */
    static final int ROLLING_CLIENTS = Integer.getInteger("quaero.drill.rolling-clients", 200);
    /** Viewers per browser: each group of clients shares one HTTP/2 connection to the balancer, as a browser's tabs do. */
    private static final int TABS_PER_BROWSER = 10;
    private static final Path REPORT = Path.of("target/drills.txt");
    private static final Duration JOB_END = Duration.ofMinutes(3);

    private final JsonMapper json = JsonMapper.builder().build();
    private Cluster cluster;
    private HttpClient https;

    @BeforeAll
    void startCluster() throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(Balancer.NGINX).as("nginx (Debian package nginx-light); .ci/run installs it").isExecutable();
        }
        Files.writeString(REPORT, "");
        Path runDir = Path.of("target/cluster");
        // Gateways let go of a partition 5 s after its last viewer (60 s by default), so the
        // partition-reads drill sees each gateway read only what its viewers watch. The drills'
        // hundreds of streams are one user's (the cluster's admin) from one address: exempt from
        // the per-user and per-address stream limits, as a load test must be (docs/SECURITY.md).
        cluster = Cluster.start(Path.of(".."), runDir, runDir.resolve("tls"), ClusterPorts.free(), true,
            List.of("--quaero.stream.partition-release-after=5s", "--management.endpoint.health.show-details=always",
                "--quaero.limits.exempt-users=" + DevAdmin.NAME));
        https = browser();
        // Every drill client's stream carries the cluster admin's API token (the other tests' is
        // put back afterwards: this JVM runs them too).
        streamHeadersBefore = SseClient.defaultHeaders(Map.of("Authorization", "Bearer " + cluster.adminToken()));
    }

    private Map<String, String> streamHeadersBefore = Map.of();

    @AfterAll
    void stopCluster() {
        SseClient.defaultHeaders(streamHeadersBefore);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void clientsOfAGatewayKilledWithSigkillResumeExactlyOnAnotherThroughTheBalancer() throws Exception {
        Drill drill = drill("1. kill -9 the gateway the clients are on", job -> {
            // The balancer routes the job's streams by its partition: they are all on one gateway.
            Node serving = servingGateway();
            say("   killing %s%n".formatted(serving.name()));
            serving.kill();
            Thread.sleep(5_000);
            serving.start();
            cluster.awaitHealthy(serving);
        });
        assertThat(drill.reconnects()).as("the clients of the killed gateway reconnected").isPositive();
    }

    @Test
    @Order(2)
    void anIngestInstanceKilledMidLoadLosesNothingAndStoresNothingTwice() throws Exception {
        drill("2. kill -9 ingest-1, restart after 10 s", job -> {
            cluster.node("ingest-1").kill();
            Thread.sleep(10_000);
            cluster.node("ingest-1").start();
            cluster.awaitHealthy(cluster.node("ingest-1"));
        });
    }

    @Test
    @Order(3)
    void streamsFlowFromKafkaWhilePostgresIsDownAndNothingIsLostAfterwards() throws Exception {
        postgresOutageDrill("3. PostgreSQL stopped for 20 s", CLIENTS, this::startLoadJob);
    }

    @Test
    @Order(4)
    void theSameForAnOutsideWorkerOnLibrdkafkasCrc32Partitioner() throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(KcatWorker.KCAT).as("kcat (Debian package kcat); .ci/run installs it").exists();
        }
        postgresOutageDrill("3b. PostgreSQL stopped for 20 s, the job's worker kcat (CRC32 partitioner)", CLIENTS,
            this::startKcatJob);
    }

    private void postgresOutageDrill(String name, int clientCount, JobStart start) throws Exception {
        var during = new long[1];
        drill(name, clientCount, start, job -> {
            long before = delivered();
            cluster.stopPostgres();
            Thread.sleep(20_000);
            during[0] = delivered() - before;
            cluster.startPostgres();
        });
        say("   delivered to the clients while PostgreSQL was down: %,d lines%n".formatted(during[0]));
        assertThat(during[0]).as("lines delivered live while the database was down").isPositive();
    }

    @Test
    @Order(5)
    void aKafkaNodeKilledWhileLeadingTheJobsPartitionLosesNoAcknowledgedEvent() throws Exception {
        drill("4. kill -9 the Kafka node leading the job's partition", job -> {
            Node leader = cluster.node("kafka-" + leaderOf(job));
            say("   killing %s (leader of the job's partition %d)%n".formatted(leader.name(), partitionOf(job)));
            leader.kill();
            Thread.sleep(10_000);
            leader.start();
        });
    }

    @Test
    @Order(6)
    void aRollingRestartOfEveryGatewayLosesNoClientALine() throws Exception {
        drill("5. rolling restart of gateway-1..3 (SIGTERM, start, healthy, next), %d clients".formatted(ROLLING_CLIENTS),
            ROLLING_CLIENTS, this::startLoadJob, job -> {
            for (int i = 1; i <= ClusterPorts.GATEWAY_INSTANCES; i++) {
                Node gateway = cluster.node("gateway-" + i);
                gateway.stop();
                gateway.start();
                cluster.awaitHealthy(gateway);
            }
        });
    }

    @Test
    @Order(7)
    void aGatewayAddedAndNginxReloadedUnderLoadLosesAndRepeatsNothing() throws Exception {
        drill("6. gateway-4 added, nginx reloaded", job -> {
            Node added = cluster.addGateway();
            say("   %s up; nginx reloaded with it%n".formatted(added.name()));
        });
    }

    @Test
    @Order(8)
    void gatewaysRoutedByPartitionReadAboutOneCopyOfTheTopicBetweenThem() throws Exception {
        // The viewers of earlier drills are gone; their partitions are released 5 s later.
        Thread.sleep(10_000);
        var reference = new TopicReader(cluster.kafkaClientProperties("stream-gateway"));
        Map<String, Double> before = tailBytes();
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            jobs.add(createLoadJob(RATE / 4));
        }
        var partitions = new java.util.TreeSet<Integer>();
        clients = new ArrayList<>();
        for (UUID job : jobs) {
            int partition = awaitPartition(job);
            partitions.add(partition);
            clients.add(new DrillClient(https, cluster.balancerUrl(), job, partition));
            clients.add(new DrillClient(https, cluster.balancerUrl(), job, partition));
        }
        try {
            for (UUID job : jobs) {
                await().atMost(JOB_END).pollInterval(Duration.ofMillis(500)).until(() -> ended(job));
            }
            Thread.sleep(2_000);
            Map<String, Double> after = tailBytes();
            long oneCopy = reference.stop();
            double sum = 0;
            var perGateway = new StringBuilder();
            for (var e : after.entrySet()) {
                double read = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
                sum += read;
                perGateway.append("%n     %s: %,.0f bytes = %.2f of one copy".formatted(e.getKey(), read, read / oneCopy));
            }
            say("""
                DRILL 7. partition reads: %d jobs on partitions %s, 2 viewers each, routed by partition through nginx
                   one full reader of quaero.job-events meanwhile: %,d bytes%s
                   all gateways together: %,.0f bytes = %.2f copies of the topic (every gateway reading everything: %d copies)
                """.formatted(jobs.size(), partitions, oneCopy, perGateway, sum, sum / oneCopy, after.size()));
            assertThat(sum / oneCopy).as("copies of the topic the gateways read between them").isLessThan(1.5);
        } finally {
            clients.forEach(DrillClient::close);
        }
    }

    /** What is broken, while the job runs; returns when the part is back (or left broken). */
    interface Failure {
        void inject(UUID job) throws Exception;
    }

    record Drill(long stored, int reconnects) {
    }

    private List<DrillClient> clients = List.of();

    /** Starts a drill's job and returns its id: job-service's load job, or an outside worker's. */
    interface JobStart {
        UUID start() throws Exception;
    }

    private KcatWorker worker;

    private UUID startLoadJob() throws Exception {
        return createLoadJob(RATE);
    }

    /** An external job whose events kcat publishes, partitioned by CRC32 as librdkafka does. */
    private UUID startKcatJob() throws Exception {
        var response = https.send(HttpRequest.newBuilder(URI.create(cluster.balancerUrl() + "/api/jobs")).header("Authorization", "Bearer " + cluster.adminToken())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"outside-load\",\"executor\":\"external\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        UUID job = UUID.fromString(json.readTree(response.body()).path("id").asString());
        // Logged in as outside workers are: the worker user, allowed to write job events and little else.
        worker = new KcatWorker(cluster.kafkaBootstrap(), cluster.kafkaCredentialsDir().resolve("worker.librdkafka.conf"),
            job, RATE, RATE * SECONDS, Path.of("target/kcat-worker.log"));
        return job;
    }

    /** Starts the load job and {@link #CLIENTS} viewers, breaks something a quarter of the way in (see {@link #drill(String, int, JobStart, Failure)}). */
    private Drill drill(String name, Failure failure) throws Exception {
        return drill(name, CLIENTS, this::startLoadJob, failure);
    }

    /**
     * Starts a job and {@code clientCount} viewers (in groups of {@value #TABS_PER_BROWSER} per
     * HTTP/2 connection, as browsers with tabs), breaks something a quarter of the way in, waits
     * for the job to end and every client to have all of it, prints and checks the figures.
     */
    private Drill drill(String name, int clientCount, JobStart start, Failure failure) throws Exception {
        UUID job = start.start();
        int partition = awaitPartition(job);
        clients = new ArrayList<>();
        HttpClient browser = null;
        for (int i = 0; i < clientCount; i++) {
            if (i % TABS_PER_BROWSER == 0) {
                browser = browser();
            }
            clients.add(new DrillClient(browser, cluster.balancerUrl(), job, partition));
        }
        try {
            Thread.sleep(SECONDS * 1000L / 4);
            failure.inject(job);
            await().atMost(JOB_END).pollInterval(Duration.ofMillis(500)).until(() -> ended(job));
            if (worker != null) {
                assertThat(worker.awaitDelivered()).as("the outside worker delivered everything").isNull();
            }
            long stored = awaitStored(job);
            clients.forEach(c -> c.expect(stored));
            // Reported whether or not every client completes: the figures say what went wrong.
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!clients.stream().allMatch(DrillClient::done) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            if (!clients.stream().allMatch(DrillClient::done)) {
                diagnose(name);
            }
            return report(name, job, stored);
        } finally {
            clients.forEach(DrillClient::close);
            if (worker != null) {
                worker.close();
                worker = null;
            }
        }
    }

    /** A client of its own, as one browser: its own HTTP/2 connection to the balancer. */
    private HttpClient browser() throws Exception {
        return HttpClient.newBuilder().sslContext(LocalCertificate.trusting(cluster.certificate()))
            .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private Drill report(String name, UUID job, long stored) throws Exception {
        long generated;
        long distinct;
        long maxLine;
        try (var db = cluster.databaseConnection();
             var q = db.prepareStatement("""
                 SELECT count(*) FILTER (WHERE message LIKE 'load line %'), count(DISTINCT line), coalesce(max(line), 0)
                 FROM job_logs WHERE job_id = ?""")) {
            q.setObject(1, job);
            var rs = q.executeQuery();
            rs.next();
            generated = rs.getLong(1);
            distinct = rs.getLong(2);
            maxLine = rs.getLong(3);
        }
        Map<Long, String> storedIds = storedIds(job);
        int exact = 0;
        int misnumbered = 0;
        int gaps = 0;
        int duplicates = 0;
        IntSummaryStatistics delivered = new IntSummaryStatistics();
        IntSummaryStatistics firstLines = new IntSummaryStatistics();
        Duration longestGap = Duration.ZERO;
        int reconnects = 0;
        int refusals = 0;
        int silences = 0;
        String firstDifference = "none";
        for (DrillClient c : clients) {
            List<Long> lines = c.lines();
            List<Long> expected = expected(lines, stored);
            delivered.accept(lines.size());
            firstLines.accept(lines.isEmpty() ? 0 : lines.getFirst().intValue());
            List<String> ids = c.ids();
            int wrong = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (!ids.get(i).equals(storedIds.get(lines.get(i)))) {
                    wrong++;
                }
            }
            misnumbered += wrong;
            if (lines.equals(expected) && wrong == 0) {
                exact++;
            } else if (firstDifference.equals("none")) {
                int i = 0;
                while (i < lines.size() && i < expected.size() && lines.get(i).equals(expected.get(i))) {
                    i++;
                }
                firstDifference = "a client's line #%d is %s, expected %s; client: %s".formatted(i + 1,
                    i < lines.size() ? lines.get(i) : "missing", i < expected.size() ? expected.get(i) : "none", c.describe());
            }
            duplicates += lines.size() - (int) lines.stream().distinct().count();
            var received = new java.util.HashSet<>(lines);
            gaps += (int) expected.stream().filter(l -> !received.contains(l)).count();
            reconnects += c.reconnects();
            refusals += c.refusals();
            silences += c.silences();
            longestGap = longestGap.compareTo(c.longestGap()) < 0 ? c.longestGap() : longestGap;
        }
        String report = """
            DRILL %s
               produced: %,d load lines asked (%d/s x %d s); stored: %,d lines (%,d generated), %,d distinct line numbers, last %,d
               delivered per client: min %,d max %,d of %,d (first line received: %,d..%,d, as the first page of a late viewer starts); exact sequence to the end: %d of %d clients; gaps %d, duplicates %d, lines numbered otherwise than stored %d
               reconnects: %d in all (%d after 15 s of silence, and %d refused attempts); longest time without a stream: %d ms; resets: %s
               first difference: %s
            """.formatted(name, (long) RATE * SECONDS, RATE, SECONDS, stored, generated, distinct, maxLine,
            delivered.getMin(), delivered.getMax(), stored, firstLines.getMin(), firstLines.getMax(), exact, clients.size(), gaps,
            duplicates, misnumbered, reconnects, silences, refusals, longestGap.toMillis(),
            clients.stream().map(DrillClient::resets).filter(r -> !r.isEmpty()).toList(), firstDifference);
        say(report);
        assertThat(clients).allSatisfy(c -> assertThat(c.failure()).isNull());
        assertThat(clients).as("clients that saw the job end with all its lines").allSatisfy(c -> assertThat(c.done()).isTrue());
        assertThat(job(job).path("status").asString()).as("the job's end").isEqualTo("completed");
        assertThat(generated).as("every generated line stored once").isEqualTo((long) RATE * SECONDS);
        assertThat(distinct).as("line numbers unique").isEqualTo(stored);
        assertThat(maxLine).as("line numbers gapless").isEqualTo(stored);
        assertThat(clients).as("every client received exactly the stored sequence from its first line on")
            .allSatisfy(c -> assertThat(c.lines()).isEqualTo(expected(c.lines(), stored)));
        assertThat(misnumbered).as("lines whose event is stored under another number").isZero();
        return new Drill(stored, reconnects);
    }

    /**
     * What a client should have received: every stored line from the first one it got (a viewer
     * arriving after the first page's worth of lines starts there, as the job page does) to the last.
     */
    private static List<Long> expected(List<Long> lines, long stored) {
        return LongStream.rangeClosed(lines.isEmpty() ? 1 : lines.getFirst(), stored).boxed().toList();
    }

    /** Where the clients that never completed are: each gateway's open streams and a thread dump of it and of this JVM, in target/. */
    private void diagnose(String drill) throws Exception {
        threadDump(ProcessHandle.current().pid(), Path.of("target/" + drill.substring(0, 1) + "-clients-threads.txt"));
        for (DrillClient c : clients) {
            if (!c.done()) {
                say("   not complete: %s%n".formatted(c.describe()));
            }
        }
        for (Node gateway : cluster.gateways()) {
            String health = https.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort(gateway)
                + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
            say("   %s: %.0f streams open, %.0f entries delivered; health %s%n".formatted(gateway.name(),
                metric(gateway, "quaero_gateway_streams_open"), metric(gateway, "quaero_gateway_delivered_entries_total"), health));
            threadDump(gateway.pid(), Path.of("target/" + drill.substring(0, 1) + "-" + gateway.name() + "-threads.txt"));
        }
    }

    private static void threadDump(long pid, Path file) throws Exception {
        Path dump = file.toAbsolutePath();
        Files.deleteIfExists(dump);
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
            "Thread.dump_to_file", "-format=text", dump.toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    private static void say(String text) throws IOException {
        System.out.print(text);
        Files.writeString(REPORT, text, StandardOpenOption.APPEND);
    }

    private UUID createLoadJob(int rate) throws Exception {
        String body = "{\"type\":\"load\",\"params\":{\"rate\":" + rate + ",\"duration_s\":" + SECONDS + ",\"steps\":5,\"error_every\":1000}}";
        var response = https.send(HttpRequest.newBuilder(URI.create(cluster.balancerUrl() + "/api/jobs")).header("Authorization", "Bearer " + cluster.adminToken())
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(json.readTree(response.body()).path("id").asString());
    }

    private JsonNode job(UUID job) throws Exception {
        var response = https.send(HttpRequest.newBuilder(URI.create(cluster.balancerUrl() + "/api/jobs/" + job)).header("Authorization", "Bearer " + cluster.adminToken()).build(),
            HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private boolean ended(UUID job) throws Exception {
        return List.of("completed", "failed", "cancelled").contains(job(job).path("status").asString());
    }

    /** The job's stored line count once ingest has caught up with it (two equal readings a second apart). */
    private long awaitStored(UUID job) {
        long[] last = {-1};
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            long now = stored(job);
            boolean steady = now > 0 && now == last[0];
            last[0] = now;
            return steady;
        });
        return last[0];
    }

    /** The event id stored under each line number of the job. */
    private Map<Long, String> storedIds(UUID job) throws Exception {
        Map<Long, String> ids = new java.util.HashMap<>();
        try (var db = cluster.databaseConnection();
             var q = db.prepareStatement("SELECT line, event_id FROM job_logs WHERE job_id = ?")) {
            q.setObject(1, job);
            var rs = q.executeQuery();
            while (rs.next()) {
                ids.put(rs.getLong(1), rs.getString(2));
            }
        }
        return ids;
    }

    private long stored(UUID job) throws Exception {
        try (var db = cluster.databaseConnection();
             var q = db.prepareStatement("SELECT count(*) FROM job_logs WHERE job_id = ?")) {
            q.setObject(1, job);
            var rs = q.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The gateway with the most open streams. */
    private Node servingGateway() throws Exception {
        Node best = null;
        double most = -1;
        for (Node gateway : cluster.gateways()) {
            double open = metric(gateway, "quaero_gateway_streams_open");
            if (open > most) {
                most = open;
                best = gateway;
            }
        }
        return best;
    }

    /** The first sample whose line starts with {@code name} (a metric, or a metric and its first tags) in a gateway's own scrape; 0 when absent. */
    private double metric(Node gateway, String name) throws Exception {
        String scrape = https.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.httpPort(gateway)
            + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return scrape.lines().filter(l -> l.startsWith(name)).findFirst()
            .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(0.0);
    }

    /** Each gateway's {@code quaero_gateway_tail_bytes_total} of the job-events topic, from its own scrape. */
    private Map<String, Double> tailBytes() throws Exception {
        Map<String, Double> bytes = new java.util.TreeMap<>();
        for (Node gateway : cluster.gateways()) {
            bytes.put(gateway.name(), metric(gateway, "quaero_gateway_tail_bytes_total{topic=\"" + Topics.JOB_EVENTS + "\""));
        }
        return bytes;
    }

    private long delivered() {
        return clients.stream().mapToLong(c -> c.lines().size()).sum();
    }

    private int partitionOf(UUID job) throws Exception {
        return job(job).path("partition").asInt();
    }

    /** The job's partition, known once its worker's first event is stored. */
    private int awaitPartition(UUID job) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> job(job).has("partition"));
        try {
            return partitionOf(job);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int leaderOf(UUID job) throws Exception {
        int partition = partitionOf(job);
        try (var admin = Admin.create(cluster.kafkaClientProperties("admin"))) {
            return admin.describeTopics(List.of(Topics.JOB_EVENTS)).allTopicNames().get().get(Topics.JOB_EVENTS)
                .partitions().get(partition).leader().id();
        }
    }
}
