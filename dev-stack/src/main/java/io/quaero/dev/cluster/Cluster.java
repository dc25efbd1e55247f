package io.quaero.dev.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.quaero.infra.DataDirs;
import io.quaero.infra.LocalPostgres;

/**
 * The production topology on one machine, every part its own OS process: a 3-node KRaft Kafka
 * (replication 3, {@code min.insync.replicas} 2), PostgreSQL, 2 log-ingest, 3 stream-gateway,
 * job-service and web-ui from their own jars, and nginx — the deployment's config, HTTPS and
 * HTTP/2 — as the one origin. {@code ./quaero cluster} runs {@link #main}; the drills start one
 * with {@link #start} and kill parts of it.
 *
 * <p>The run directory holds {@code <name>.pid} and {@code <name>.log} of every process
 * ({@code kafka-1..3}, {@code postgres}, {@code ingest-1..2}, {@code gateway-1..3},
 * {@code job-service}, {@code web-ui}, {@code nginx}) and the data ({@code data/}), which survives
 * a restart unless the cluster is started fresh. Broker log and database go together: stored
 * cursors are Kafka offsets.
 *
 * <p>Kafka is locked down as in production ({@link ClusterKafka}): every service logs in with a
 * SCRAM user of its own and may use only its topics and groups; the users' random passwords are
 * in {@code kafka-credentials/} of the run directory. So is PostgreSQL ({@link ClusterDatabase}):
 * every login needs its password, each service logs in as a role allowed only what it does, and
 * the setup step makes the roles and migrates the schema as its owner before any service starts;
 * the passwords are in {@code db-credentials/}.
 */
public final class Cluster implements AutoCloseable {

    /** A service JVM's heap: the topology must fit this machine beside the brokers (docs/OPERATIONS.md). */
    private static final List<String> SERVICE_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
        "--sun-misc-unsafe-memory-access=allow");
    /** Where the balancer connects from: the services believe its {@code X-Forwarded-For} (docs/SECURITY.md, "Limits"). */
    static final String TRUSTED_PROXIES = "127.0.0.1/32,::1/128";
    /** Ten JVMs starting on two cores: a service may take a minute and more to come up. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path repoRoot;
    private final Path runDir;
    private final ClusterPorts ports;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    /** The HTTP port of each service node, for its health check. */
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
    /** The gateways behind the balancer: the layout's, and any added since. */
    private final List<Integer> gatewayPorts = new ArrayList<>();
    private final LocalPostgres postgres;
    private final ClusterKafka kafka;
    private final Path certificate;
    private final HttpClient https;
    /** {@code --name=value} settings given to every service (a drill shortens a delay this way). */
    private final List<String> serviceSettings;
    /** Who may do what ({@link ClusterAccess}): the shared session keys, and the admin's API token. */
    private final ClusterAccess access;
    /** Who logs in to the database as whom ({@link ClusterDatabase}). */
    private final ClusterDatabase database;

    private Cluster(Path repoRoot, Path runDir, ClusterPorts ports, LocalPostgres postgres, ClusterDatabase database,
                    ClusterKafka kafka, Path certificate, List<String> serviceSettings) throws IOException {
        this.repoRoot = repoRoot;
        this.database = database;
        this.access = ClusterAccess.in(runDir);
        this.serviceSettings = List.copyOf(serviceSettings);
        this.runDir = runDir;
        this.ports = ports;
        this.postgres = postgres;
        this.kafka = kafka;
        this.certificate = certificate;
        this.gatewayPorts.addAll(ports.gateways());
        this.https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .sslContext(LocalCertificate.trusting(certificate)).build();
    }

    /**
     * Starts every part and returns once all are up (health UP, balancer answering).
     *
     * @param repoRoot the repository (service jars under {@code <module>/target}, {@code deploy/nginx})
     * @param runDir   pid and log files, and the data under {@code data/}
     * @param tlsDir   the balancer's certificate and key (made if missing)
     * @param fresh    delete the data first
     */
    public static Cluster start(Path repoRoot, Path runDir, Path tlsDir, ClusterPorts ports, boolean fresh) throws Exception {
        return start(repoRoot, runDir, tlsDir, ports, fresh, List.of());
    }

    /** As {@link #start(Path, Path, Path, ClusterPorts, boolean)}, every service given {@code serviceSettings} too. */
    public static Cluster start(Path repoRoot, Path runDir, Path tlsDir, ClusterPorts ports, boolean fresh,
                                List<String> serviceSettings) throws Exception {
        runDir = runDir.toAbsolutePath();
        refuseIfRunning(runDir);
        if (fresh) {
            DataDirs.deleteRecursively(runDir.resolve("data"));
        }
        Files.createDirectories(runDir.resolve("data"));
        Path cert = LocalCertificate.ensure(tlsDir);
        Node nginx = Balancer.configure(repoRoot.resolve("deploy/nginx"), runDir, tlsDir,
            new Balancer.Upstreams(ports.balancer(), ports.gateways(), ports.jobs(), ports.web()));

        var clusterKafka = ClusterKafka.prepare(runDir, ports, fresh);
        var database = ClusterDatabase.in(runDir);
        List<Node> kafka = clusterKafka.nodes();
        kafka.forEach(Node::start);
        LocalPostgres pg;
        try {
            pg = LocalPostgres.start(runDir.resolve("data/postgres"), ports.postgres(), Map.of(
                "logging_collector", "on", "log_directory", runDir.toString(), "log_filename", "postgres.log"),
                database.superuserPassword());
        } catch (IOException | RuntimeException e) {
            for (Node n : kafka) {
                n.stop();
            }
            throw e;
        }
        var cluster = new Cluster(repoRoot, runDir, ports, pg, database, clusterKafka, cert, serviceSettings);
        kafka.forEach(n -> cluster.nodes.put(n.name(), n));
        try {
            cluster.writePostgresPid();
            cluster.awaitBrokersAndCreateAcls();
            // The roles, then the schema migrated by its owner: no service migrates, or could.
            database.setUp(pg.jdbcUrl());
            // Then ingest and job-service, then the gateways and web-ui: fewer JVMs starting at once on two cores.
            cluster.startServices(List.of(
                cluster.service("job-service", "job-service", "QUAERO_JOBS_PORT", ports.jobs()),
                cluster.service("ingest-1", "log-ingest-service", "QUAERO_INGEST_PORT", ports.ingest().get(0)),
                cluster.service("ingest-2", "log-ingest-service", "QUAERO_INGEST_PORT", ports.ingest().get(1))));
            var second = new ArrayList<Node>();
            for (int i = 0; i < ClusterPorts.GATEWAY_INSTANCES; i++) {
                second.add(cluster.service("gateway-" + (i + 1), "stream-gateway-service", "QUAERO_GATEWAY_PORT", ports.gateways().get(i)));
            }
            second.add(cluster.service("web-ui", "web-ui", "QUAERO_WEB_PORT", ports.web()));
            cluster.startServices(second);
            cluster.nodes.put("nginx", nginx);
            nginx.start();
            cluster.await(nginx, () -> nginx.alive() && cluster.answers(URI.create(cluster.balancerUrl() + "/")));
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code ./quaero cluster [--fresh]}: starts, prints where everything is, stops on SIGTERM or Ctrl-C. */
    public static void main(String[] args) throws Exception {
        Path runDir = Path.of(System.getenv().getOrDefault("QUAERO_CLUSTER_DIR", ".quaero/cluster"));
        Path tlsDir = Path.of(System.getenv().getOrDefault("QUAERO_TLS_DIR", ".quaero/tls"));
        int port = Integer.parseInt(System.getenv().getOrDefault("QUAERO_PORT", "8443"));
        var cluster = start(Path.of("."), runDir, tlsDir, ClusterPorts.fixed(port), List.of(args).contains("--fresh"));
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("quaero cluster shutdown").unstarted(() -> {
            cluster.close();
            System.out.println("Quaero cluster stopped.");
        }));
        System.out.printf("""

            ==============================================================
             Quaero cluster is up (every part its own process).
               Open this to sign in as admin (one use, valid 15 minutes):
                 %s
               Admin API token (scripts: Authorization: Bearer ...): %s/admin-token
               Browser, REST API and streams:  %s/
               Kafka bootstrap:                %s (SASL_PLAINTEXT, SCRAM-SHA-512; ACLs: deploy/kafka/acls.conf)
               Kafka users' passwords:         %s/<user>.password (0600)
                 an outside worker's settings:   %s/worker.properties (Java), worker.librdkafka.conf (kcat -F)
                 the super user's:               %s/admin.properties (Kafka's tools: --command-config)
               PostgreSQL:                     %s (a role per service; passwords: %s/<role>.password, 0600)
               Processes (pid, log):           %s/<name>.pid, <name>.log
                 %s
               Certificate:                    %s (self-signed for localhost:
                 curl --cacert %s %s/api/jobs;
                 trust it in Chromium/Firefox on Linux: certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n quaero -i %s;
                 or put your own cert.pem and key.pem in its folder)
             Ctrl-C stops everything.
            ==============================================================
            %n""", cluster.signInLink(), runDir.toAbsolutePath(), cluster.balancerUrl(), cluster.kafkaBootstrap(),
            cluster.kafkaCredentialsDir(), cluster.kafkaCredentialsDir(), cluster.kafkaCredentialsDir(), cluster.jdbcUrl(), cluster.database.dir(),
            runDir.toAbsolutePath(), String.join(" ", cluster.nodes.keySet()) + " postgres",
            cluster.certificate, cluster.certificate, cluster.balancerUrl(), cluster.certificate);
        Thread.currentThread().join();
    }

    /** The admin's API token ({@code Authorization: Bearer ...}), for scripts and tests. */
    public String adminToken() {
        return access.adminToken();
    }

    /** A one-time sign-in link for the admin, through the balancer (the cluster prints one at start). */
    public String signInLink() throws IOException, InterruptedException {
        return access.signInLink(https, balancerUrl());
    }

    public String balancerUrl() {
        return "https://localhost:" + ports.balancer();
    }

    public String kafkaBootstrap() {
        return ports.kafkaBootstrap();
    }

    /** Where each Kafka user's password and the worker's and admin's client settings are (0600 files). */
    public Path kafkaCredentialsDir() {
        return kafka.credentials().dir();
    }

    /**
     * A Java Kafka client's settings to reach the cluster as {@code user} ({@code admin}, the
     * super user; {@code worker}, an outside worker; or a service's user): bootstrap and login.
     */
    public Map<String, Object> kafkaClientProperties(String user) {
        return kafka.clientProperties(user);
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl();
    }

    /** A connection to the database as its superuser (every login needs its password), for drills that read what is stored. */
    public java.sql.Connection databaseConnection() throws java.sql.SQLException {
        return database.superuser(postgres.jdbcUrl());
    }

    /** The balancer's certificate (PEM), for clients that must trust it. */
    public Path certificate() {
        return certificate;
    }

    public ClusterPorts ports() {
        return ports;
    }

    /** One process by its name: {@code kafka-2}, {@code gateway-1}, {@code ingest-2}, {@code nginx}, … */
    public Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node " + name + "; there are " + nodes.keySet());
        }
        return n;
    }

    /**
     * Scales the gateways out by one: starts {@code gateway-<n+1>} on a free port, waits for it,
     * and reloads nginx with it among the upstreams (nginx's old workers finish their requests,
     * new ones include it).
     */
    public synchronized Node addGateway() throws Exception {
        String name = "gateway-" + (gatewayPorts.size() + 1);
        int port = ClusterPorts.pickOne();
        Node gateway = service(name, "stream-gateway-service", "QUAERO_GATEWAY_PORT", port);
        startServices(List.of(gateway));
        gatewayPorts.add(port);
        Balancer.reload(node("nginx"), runDir, new Balancer.Upstreams(ports.balancer(), gatewayPorts, ports.jobs(), ports.web()));
        return gateway;
    }

    /** The HTTP port of a service node (its actuator is there). */
    public int httpPort(Node service) {
        return httpPorts.get(service.name());
    }

    /** The gateways, in order: {@code gateway-1}, … and any added. */
    public List<Node> gateways() {
        return nodes.values().stream().filter(n -> n.name().startsWith("gateway-")).toList();
    }

    /** Waits until a restarted service answers its health check as UP. */
    public void awaitHealthy(Node service) throws InterruptedException {
        await(service, () -> healthy(service));
    }

    /** A Postgres outage, as an operator would cause one: fast shutdown, data kept. */
    public void stopPostgres() throws IOException {
        postgres.stop();
        Files.deleteIfExists(runDir.resolve("postgres.pid"));
    }

    public void startPostgres() throws IOException {
        postgres.start();
        writePostgresPid();
    }

    /** Stops everything, in reverse order of start; nothing is left running. */
    @Override
    public void close() {
        List<Node> reversed = new ArrayList<>(nodes.values()).reversed();
        // Services drain in parallel (each may take seconds); then the database and the brokers.
        List<Thread> stopping = reversed.stream().filter(n -> !n.name().startsWith("kafka-"))
            .map(n -> Thread.ofVirtual().start(() -> stopQuietly(n))).toList();
        stopping.forEach(Cluster::joinQuietly);
        try {
            stopPostgres();
        } catch (IOException e) {
            System.err.println("quaero cluster: could not stop PostgreSQL: " + e);
        }
        reversed.stream().filter(n -> n.name().startsWith("kafka-"))
            .map(n -> Thread.ofVirtual().start(() -> stopQuietly(n))).toList().forEach(Cluster::joinQuietly);
    }

    private Node service(String name, String module, String portVariable, int port) throws IOException {
        var command = new ArrayList<>(JavaCommand.ofJar(SERVICE_JVM, JavaCommand.serviceJar(repoRoot, module)));
        command.addAll(List.of("--spring.main.banner-mode=off", "--quaero.service-logs.instance=" + name,
            // Its nginx is on loopback: the client address a service counts is the one nginx appends.
            "--quaero.limits.trusted-proxies=" + TRUSTED_PROXIES));
        command.addAll(serviceSettings);
        Map<String, String> env = new HashMap<>(kafka.serviceEnvironment(module));
        env.putAll(Map.of(
            "QUAERO_KAFKA_BOOTSTRAP", kafkaBootstrap(),
            "QUAERO_DB_URL", postgres.jdbcUrl(),
            "QUAERO_TOPICS_REPLICATION_FACTOR", String.valueOf(ClusterPorts.KAFKA_NODES),
            portVariable, String.valueOf(port)));
        env.putAll(database.environment(module));
        env.putAll(access.environment(module));
        var node = new Node(name, command, env, runDir);
        nodes.put(name, node);
        httpPorts.put(name, port);
        return node;
    }

    private void startServices(List<Node> services) throws InterruptedException {
        services.forEach(Node::start);
        for (Node service : services) {
            awaitHealthy(service);
        }
    }

    /** Waits for every broker, then creates the ACLs, before any service starts (it would be refused without). */
    private void awaitBrokersAndCreateAcls() throws InterruptedException, IOException {
        try (var admin = kafka.admin()) {
            await(nodes.get("kafka-1"), () -> kafka.allBrokersUp(admin));
            kafka.applyAcls(admin, repoRoot);
        }
    }

    /**
     * Waits for a start-up condition, checking every 250 ms: a process that is starting has no
     * way to say it is ready other than answering. Fails at once if a process of the cluster died.
     */
    private void await(Node starting, BooleanSupplier ready) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!ready.getAsBoolean()) {
            for (Node n : nodes.values()) {
                if (!n.alive() && n != nodes.get("nginx")) {
                    throw new IllegalStateException(n.name() + " died while " + starting.name() + " was starting; its log ("
                        + n.log() + ") ends:\n" + n.logTail(30));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(starting.name() + " did not come up in " + START_TIMEOUT + "; its log ("
                    + starting.log() + ") ends:\n" + starting.logTail(30));
            }
            Thread.sleep(250);
        }
    }

    private boolean healthy(Node service) {
        int port = httpPorts.get(service.name());
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean answers(URI uri) {
        try {
            return https.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void writePostgresPid() throws IOException {
        Files.writeString(runDir.resolve("postgres.pid"), postgres.pid() + "\n");
    }

    /** A cluster from an earlier run whose supervisor was killed leaves processes; say so rather than fight them. */
    private static void refuseIfRunning(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        var alive = new ArrayList<String>();
        try (var files = Files.list(runDir)) {
            for (Path pidFile : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    alive.add(pidFile.getFileName() + " (" + pid + ")");
                } else {
                    Files.delete(pidFile);
                }
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException("a cluster is still running from " + runDir + ": " + alive
                + ". Stop it first: kill $(cat " + runDir + "/*.pid)");
        }
    }

    private static void stopQuietly(Node node) {
        try {
            node.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
