package io.quaero.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.quaero.schema.DatabaseSetup;
import io.quaero.schema.DbRole;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml, the production topology, as a real compose parser reads it and checked
 * against the code. CI has no Docker engine, so nothing starts this file there; this test is
 * what notices a cluster that would not start, would lose records with one broker, or is given
 * a setting no service reads.
 *
 * <p>The parser is Debian's {@code docker-compose} (1.29): {@code config} resolves anchors and
 * merge keys, validates against the compose schema and prints the normalized file, all without
 * an engine. Skipped without it, except in CI ({@code CI=true}), where .ci/run installs it.
 *
 * <p>What a service reads is taken from its module, found through its build arg MODULE: the
 * {@code ${QUAERO_...}} placeholders of the application.properties and the
 * {@code @ConfigurationProperties} records of that module and of the io.quaero modules it
 * depends on (kafka-topics, service-logging), matched the way Spring binds environment variables.
 */
class ComposeFileTest {

    /** The test's working directory is dev-stack/; the repository root is its parent. */
    private static final Path ROOT = Path.of("..");
    private static final Path DOCKER_COMPOSE = Path.of("/usr/bin/docker-compose");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(QUAERO_\\w+)(?::([^}]*))?}");
    private static final Pattern CONFIGURATION_PROPERTIES = Pattern.compile("@ConfigurationProperties\\(\"([^\"]+)\"\\)");
    private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    private static final Pattern ARTIFACT_ID = Pattern.compile("<artifactId>([^<]+)</artifactId>");
    private static final Pattern UPSTREAM_SERVER = Pattern.compile("\\bserver\\s+([\\w.-]+):(\\d+)");

    /**
     * A password per Kafka user, as an operator's .env gives them (the file holds none): each must
     * reach exactly the service that logs in as that user.
     */
    private static final Map<String, String> PASSWORDS = Map.of(
        "QUAERO_KAFKA_ADMIN_PASSWORD", "pw-admin-1",
        "QUAERO_KAFKA_JOB_SERVICE_PASSWORD", "pw-job-service-2",
        "QUAERO_KAFKA_LOG_INGEST_PASSWORD", "pw-log-ingest-3",
        "QUAERO_KAFKA_STREAM_GATEWAY_PASSWORD", "pw-stream-gateway-4",
        "QUAERO_KAFKA_WEB_UI_PASSWORD", "pw-web-ui-5",
        "QUAERO_KAFKA_WORKER_PASSWORD", "pw-worker-6");
    /** What else an operator's .env gives: the session keys (docs/SECURITY.md), without which the file refuses to start too. */
    private static final Map<String, String> SESSION_KEYS = Map.of("QUAERO_SESSION_KEYS", "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    /** A password per database role and the server's superuser, as .env gives them: each must reach exactly who logs in with it. */
    private static final Map<String, String> DB_PASSWORDS = Map.of(
        DatabaseSetup.ADMIN_PASSWORD, "db-admin-1",
        DbRole.OWNER.passwordVariable(), "db-owner-2",
        DbRole.INGEST.passwordVariable(), "db-ingest-3",
        DbRole.JOBS.passwordVariable(), "db-jobs-4",
        DbRole.GATEWAY.passwordVariable(), "db-gateway-5");
    /** The database role of each service's module; web-ui has no database. */
    private static final Map<String, DbRole> DB_ROLES = Map.of(
        "log-ingest-service", DbRole.INGEST, "stream-gateway-service", DbRole.GATEWAY, "job-service", DbRole.JOBS);
    /** The module of the one-shot that makes the roles and migrates (DatabaseSetup). */
    private static final String DB_SETUP_MODULE = "db-schema";
    /** The Kafka user of each service's module (deploy/kafka/acls.conf). */
    private static final Map<String, String> KAFKA_USERS = Map.of(
        "log-ingest-service", "log-ingest", "stream-gateway-service", "stream-gateway", "job-service", "job-service",
        "web-ui", "web-ui");

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parseWithDockerCompose() throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(DOCKER_COMPOSE).as("docker-compose (Debian package docker-compose); .ci/run installs it").isExecutable();
        }
        assertThat(DOCKER_COMPOSE).as("docker-compose must be installed in CI").isExecutable();
        var env = new HashMap<>(PASSWORDS);
        env.putAll(SESSION_KEYS);
        env.putAll(DB_PASSWORDS);
        Config config = dockerComposeConfig(env);
        assertThat(config.exitCode()).as("docker-compose config: %s", config.errors()).isZero();
        Map<String, Object> file = new Yaml().load(config.normalized());
        services = (Map<String, Map<String, Object>>) file.get("services");
    }

    private record Config(int exitCode, String normalized, String errors) {
    }

    /** {@code docker-compose config} with {@code environment} (and none of this JVM's QUAERO_ variables). */
    private static Config dockerComposeConfig(Map<String, String> environment) throws Exception {
        // Warnings go to stderr; only stdout is the normalized file.
        Path errors = Files.createDirectories(Path.of("target")).resolve("docker-compose-config.err");
        var builder = new ProcessBuilder(DOCKER_COMPOSE.toString(), "-f", ROOT.resolve("docker-compose.yml").toString(), "config")
            .redirectError(errors.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("QUAERO_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        String normalized = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("docker-compose config ended").isTrue();
        return new Config(process.exitValue(), normalized, Files.readString(errors));
    }

    @Test
    void kafkaIsThreeKraftNodesThatKeepEveryAcknowledgedRecordAndKeepWritingWithOneDown() {
        assertThat(servicesWithImage("apache/kafka:")).containsExactlyInAnyOrder("kafka-1", "kafka-2", "kafka-3", "kafka-setup");
        for (int id = 1; id <= 3; id++) {
            Map<String, Object> env = env("kafka-" + id);
            assertThat(env).as("kafka-%s", id)
                .containsEntry("KAFKA_NODE_ID", id)
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
                .containsEntry("KAFKA_LISTENERS", "BROKER://:9092,CONTROLLER://:9093")
                .containsEntry("KAFKA_ADVERTISED_LISTENERS", "BROKER://kafka-" + id + ":9092")
                .containsEntry("CLUSTER_ID", env("kafka-1").get("CLUSTER_ID"))
                .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", 3)
                .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", 2)
                .containsEntry("KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE", "false")
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", 3)
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", 3)
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 2)
                .containsEntry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", 3)
                .containsEntry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", 2)
                .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
            // Its data on its own volume, where the log dirs point: a restart keeps the node's log.
            assertThat(service("kafka-" + id).get("volumes")).asInstanceOf(LIST)
                .containsExactly("kafka-" + id + "-data:" + env.get("KAFKA_LOG_DIRS") + ":rw", kafkaScripts());
        }
    }

    @Test
    void issue14KafkaTakesOnlySaslLoginsAndAllowsNothingWithoutAnAcl() {
        for (int id = 1; id <= 3; id++) {
            Map<String, Object> env = env("kafka-" + id);
            assertThat(env).as("kafka-%s", id)
                .containsEntry("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT")
                .containsEntry("KAFKA_INTER_BROKER_LISTENER_NAME", "BROKER")
                .containsEntry("KAFKA_LISTENER_NAME_BROKER_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512,PLAIN")
                .containsEntry("KAFKA_LISTENER_NAME_CONTROLLER_SASL_ENABLED_MECHANISMS", "PLAIN")
                .containsEntry("KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL", "PLAIN")
                .containsEntry("KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL", "PLAIN")
                .containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("KAFKA_SUPER_USERS", "User:admin")
                .doesNotContainKey("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND")
                // The brokers' own login is written by node.sh from this, into their JAAS file.
                .containsEntry("QUAERO_KAFKA_ADMIN_PASSWORD", PASSWORDS.get("QUAERO_KAFKA_ADMIN_PASSWORD"))
                // ... and the worker's PLAIN login, for clients on librdkafka < 2.6.1.
                .containsEntry("QUAERO_KAFKA_WORKER_PASSWORD", PASSWORDS.get("QUAERO_KAFKA_WORKER_PASSWORD"));
            assertThat(service("kafka-" + id).get("entrypoint")).asInstanceOf(LIST).containsExactly("/quaero/kafka/node.sh");
        }
        // kafka-setup makes every user and ACL before any service starts.
        Map<String, Object> setup = service("kafka-setup");
        assertThat(setup.get("entrypoint")).asInstanceOf(LIST).containsExactly("/quaero/kafka/setup.sh");
        assertThat(setup.get("volumes")).asInstanceOf(LIST).containsExactly(kafkaScripts());
        assertThat(env("kafka-setup")).containsAllEntriesOf(PASSWORDS);
        for (String service : quaeroServices()) {
            assertThat(service(service).get("depends_on")).as(service).asInstanceOf(MAP)
                .containsEntry("kafka-setup", Map.of("condition", "service_completed_successfully"));
        }
    }

    @Test
    void issue14EveryServiceLogsInToKafkaAsItsOwnUserWithThePasswordFromItsEnvironment() throws Exception {
        for (String service : quaeroServices()) {
            String user = KAFKA_USERS.get(module(service));
            String password = PASSWORDS.get("QUAERO_KAFKA_" + user.toUpperCase(Locale.ROOT).replace('-', '_') + "_PASSWORD");
            // Spring Boot's standard settings, which every Kafka client of the services takes (SpringKafkaSettingsTest
            // binds exactly these variable names).
            assertThat(env(service)).as(service)
                .containsEntry("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                .containsEntry("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule "
                    + "required username=\"" + user + "\" password=\"" + password + "\";");
        }
    }

    @Test
    void issue14NoPasswordIsInTheFileAndComposeRefusesToStartWithoutThem() throws Exception {
        String file = Files.readString(ROOT.resolve("docker-compose.yml"));
        assertThat(Pattern.compile("password=\\\"(?!\\$\\{QUAERO_KAFKA_)").matcher(file).find()).as("a literal password in the file").isFalse();
        var withoutWorkers = new HashMap<>(PASSWORDS);
        withoutWorkers.putAll(SESSION_KEYS);
        withoutWorkers.putAll(DB_PASSWORDS);
        withoutWorkers.remove("QUAERO_KAFKA_WORKER_PASSWORD");
        Config config = dockerComposeConfig(withoutWorkers);
        assertThat(config.exitCode()).isNotZero();
        assertThat(config.errors()).contains("QUAERO_KAFKA_WORKER_PASSWORD").contains(".env");
        assertThat(ROOT.resolve(".env.example")).content().contains(PASSWORDS.keySet().stream().map(v -> v + "=").toArray(String[]::new));
        assertThat(ROOT.resolve(".gitignore")).content().containsPattern("(?m)^\\.env$");
    }

    @Test
    void issue14TheDatabaseIsSetUpOnceBeforeAnyServiceThatUsesItAsTheSuperuserWithEveryRolesPassword() throws Exception {
        Map<String, Object> setup = service("db-setup");
        assertThat(module("db-setup")).isEqualTo(DB_SETUP_MODULE);
        assertThat(setup.get("depends_on")).asInstanceOf(MAP).containsEntry("postgres", Map.of("condition", "service_healthy"));
        assertThat(env("db-setup")).containsAllEntriesOf(DB_PASSWORDS)
            .containsEntry(DatabaseSetup.ADMIN_USER, env("postgres").get("POSTGRES_USER"))
            .containsEntry(DatabaseSetup.URL, env("ingest-1").get(DatabaseSetup.URL));
        assertThat(env("db-setup").keySet()).as("db-setup's settings; DatabaseSetup reads %s", DatabaseSetup.environment())
            .filteredOn(name -> name.startsWith("QUAERO_")).allMatch(DatabaseSetup.environment()::contains);
        assertThat(env("postgres")).as("the superuser db-setup logs in as")
            .containsEntry("POSTGRES_PASSWORD", DB_PASSWORDS.get(DatabaseSetup.ADMIN_PASSWORD));
        for (String service : quaeroServices()) {
            if (DB_ROLES.containsKey(module(service))) {
                assertThat(service(service).get("depends_on")).as(service).asInstanceOf(MAP)
                    .containsEntry("db-setup", Map.of("condition", "service_completed_successfully"));
            }
        }
    }

    @Test
    void issue14EachServiceLogsInToPostgresAsItsOwnRoleAndNoneMigrates() throws Exception {
        for (String service : quaeroServices()) {
            DbRole role = DB_ROLES.get(module(service));
            if (role == null) {
                assertThat(env(service).keySet()).as("%s has no database", service).noneMatch(k -> k.startsWith("QUAERO_DB_"));
                continue;
            }
            assertThat(env(service)).as(service)
                .containsEntry("QUAERO_DB_USER", role.roleName())
                .containsEntry("QUAERO_DB_PASSWORD", DB_PASSWORDS.get(role.passwordVariable()));
            if (reads(module(service)).placeholders().contains("QUAERO_DB_MIGRATE")) {
                assertThat(env(service)).as("%s migrates only where the owner does not", service).containsEntry("QUAERO_DB_MIGRATE", "false");
            }
        }
    }

    @Test
    void issue14NoDatabasePasswordIsInTheFileAndComposeRefusesToStartWithoutOne() throws Exception {
        String file = Files.readString(ROOT.resolve("docker-compose.yml"));
        assertThat(Pattern.compile("(?m)^\\s+\\w*PASSWORD\\w*:\\s*+(?!\\$\\{)").matcher(file).find())
            .as("a literal password value in the file").isFalse();
        var withoutGateway = new HashMap<>(PASSWORDS);
        withoutGateway.putAll(SESSION_KEYS);
        withoutGateway.putAll(DB_PASSWORDS);
        withoutGateway.remove(DbRole.GATEWAY.passwordVariable());
        Config config = dockerComposeConfig(withoutGateway);
        assertThat(config.exitCode()).isNotZero();
        assertThat(config.errors()).contains(DbRole.GATEWAY.passwordVariable()).contains(".env");
        assertThat(ROOT.resolve(".env.example")).content().contains(DB_PASSWORDS.keySet().stream().map(v -> v + "=").toArray(String[]::new));
    }

    /** How the Kafka containers see deploy/kafka (the parser makes host paths absolute). */
    private static String kafkaScripts() {
        return ROOT.toAbsolutePath().normalize() + "/deploy/kafka:/quaero/kafka:ro";
    }

    @Test
    void everyServiceThatCreatesTopicsGivesThemThreeReplicas() throws Exception {
        // kafka-topics declares every topic and refuses to start without a replication factor.
        List<String> creators = new ArrayList<>();
        for (String service : quaeroServices()) {
            if (modules(module(service)).contains("kafka-topics")) {
                creators.add(service);
            }
        }
        assertThat(creators).containsExactlyInAnyOrder("ingest-1", "ingest-2", "gateway-1", "gateway-2", "gateway-3", "job-service");
        creators.forEach(s -> assertThat(env(s)).as(s).containsEntry("QUAERO_TOPICS_REPLICATION_FACTOR", "3"));
    }

    @Test
    void theClusterRunsTwoIngestsThreeGatewaysJobServiceWebUiPostgresAndTheBalancerOn8443() {
        assertThat(quaeroServices().stream().collect(Collectors.groupingBy(ComposeFileTest::module, Collectors.toSet())))
            .as("services by module").isEqualTo(Map.of(
                "log-ingest-service", Set.of("ingest-1", "ingest-2"),
                "stream-gateway-service", Set.of("gateway-1", "gateway-2", "gateway-3"),
                "job-service", Set.of("job-service"),
                "web-ui", Set.of("web-ui")));
        assertThat(servicesWithImage("postgres:")).containsExactly("postgres");
        assertThat(service("postgres")).containsEntry("image", "postgres:17");

        assertThat(servicesWithImage("nginx:")).containsExactly("lb");
        Map<String, Object> lb = service("lb");
        assertThat(lb).containsEntry("image", "nginx:1.27");
        assertThat(lb.get("ports")).asInstanceOf(LIST).containsExactly(Map.of("published", 8443, "target", 8443));
        // The parser makes host paths absolute, relative to the compose file's folder.
        String root = ROOT.toAbsolutePath().normalize() + "/";
        assertThat(lb.get("volumes")).asInstanceOf(LIST).containsExactlyInAnyOrder(
            root + "deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro",
            root + "deploy/nginx/upstreams.conf:/etc/nginx/upstreams.conf:ro",
            root + "deploy/nginx/listen.conf:/etc/nginx/listen.conf:ro",
            root + ".quaero/tls:/etc/nginx/tls:ro");
    }

    /**
     * The gateways count streams per client address (docs/SECURITY.md, "Limits"): behind the
     * balancer that is the address it appends to {@code X-Forwarded-For}, believed from the
     * balancer's fixed address alone, never from another container.
     */
    @Test
    @SuppressWarnings("unchecked")
    void issue14TheGatewaysBelieveTheForwardedForOfTheBalancerOnly() {
        var lbNetworks = (Map<String, Map<String, Object>>) service("lb").get("networks");
        Object balancer = lbNetworks.get("default").get("ipv4_address");
        assertThat(balancer).as("the balancer's fixed address").isNotNull();
        for (String gateway : List.of("gateway-1", "gateway-2", "gateway-3")) {
            assertThat(env(gateway)).as(gateway).containsEntry("QUAERO_TRUSTED_PROXIES", balancer);
        }
        quaeroServices().stream().filter(s -> !s.startsWith("gateway-"))
            .forEach(s -> assertThat(env(s)).as("%s counts no client address", s).doesNotContainKey("QUAERO_TRUSTED_PROXIES"));
    }

    @Test
    void everyQuaeroSettingIsOneItsServiceReads() throws Exception {
        for (String service : quaeroServices()) {
            Reads reads = reads(module(service));
            assertThat(env(service).keySet()).as("%s's settings; it reads %s", service, reads)
                .filteredOn(name -> name.startsWith("QUAERO_"))
                .allMatch(reads::reads);
        }
    }

    @Test
    void everyServiceListensOnThePortTheBalancerSendsItTo() throws Exception {
        Matcher upstream = UPSTREAM_SERVER.matcher(Files.readString(ROOT.resolve("deploy/nginx/upstreams.conf")));
        Set<String> hosts = new HashSet<>();
        while (upstream.find()) {
            String service = upstream.group(1);
            hosts.add(service);
            assertThat(services).as("the upstream %s", service).containsKey(service);
            // server.port=${QUAERO_<SERVICE>_PORT:<default>}: the env var when set, else the default.
            Matcher port = PLACEHOLDER.matcher(String.valueOf(applicationProperties(module(service)).getProperty("server.port")));
            assertThat(port.matches()).as("%s's server.port is one placeholder", service).isTrue();
            assertThat(String.valueOf(env(service).getOrDefault(port.group(1), port.group(2))))
                .as("%s's port (%s)", service, port.group(1)).isEqualTo(upstream.group(2));
        }
        assertThat(hosts).containsExactlyInAnyOrder("gateway-1", "gateway-2", "gateway-3", "job-service", "web-ui");
    }

    @Test
    void everyServiceThatNeedsKafkaKnowsAllThreeBrokers() throws Exception {
        for (String service : quaeroServices()) {
            // Every Quaero service does, web-ui too: its own log lines go to quaero.service-logs.
            assertThat(reads(module(service)).placeholders()).as(service).contains("QUAERO_KAFKA_BOOTSTRAP");
            // One broker in the list would be a service that cannot start while that broker is down.
            assertThat(String.valueOf(env(service).get("QUAERO_KAFKA_BOOTSTRAP")).split(",")).as(service)
                .containsExactlyInAnyOrder("kafka-1:9092", "kafka-2:9092", "kafka-3:9092");
        }
    }

    // -----------------------------------------------------------------------------------------
    // The compose file

    private static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> env(String service) {
        return (Map<String, Object>) service(service).getOrDefault("environment", Map.of());
    }

    private static List<String> servicesWithImage(String prefix) {
        return services.keySet().stream().filter(s -> String.valueOf(service(s).get("image")).startsWith(prefix)).toList();
    }

    /**
     * The services built from a Quaero service module (deploy/Dockerfile with build arg MODULE),
     * not the one-shot db-setup, which is built from db-schema and checked on its own.
     */
    private static List<String> quaeroServices() {
        return services.keySet().stream().filter(s -> service(s).containsKey("build") && !DB_SETUP_MODULE.equals(module(s))).toList();
    }

    @SuppressWarnings("unchecked")
    private static String module(String service) {
        var build = (Map<String, Object>) service(service).get("build");
        String module = String.valueOf(((Map<String, Object>) build.get("args")).get("MODULE"));
        assertThat(ROOT.resolve(module).resolve("pom.xml")).as("%s's MODULE", service).exists();
        return module;
    }

    // -----------------------------------------------------------------------------------------
    // What a module reads

    /**
     * What a service's jar reads from its environment: the {@code ${QUAERO_...}} placeholders of
     * its modules' application.properties, and the properties of their
     * {@code @ConfigurationProperties} records (e.g. quaero.topics.replication-factor).
     */
    private record Reads(Set<String> placeholders, Set<String> properties) {

        /** Whether the jar reads this environment variable: a placeholder, or bound by Spring as it binds a real environment's. */
        boolean reads(String envVar) {
            var env = new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(envVar, "set"));
            var source = ConfigurationPropertySource.from(env);
            return placeholders.contains(envVar)
                || properties.stream().anyMatch(p -> source.getConfigurationProperty(ConfigurationPropertyName.of(p)) != null);
        }
    }

    private static Reads reads(String module) throws Exception {
        Set<String> placeholders = new TreeSet<>();
        Set<String> properties = new TreeSet<>();
        for (String m : modules(module)) {
            for (Object value : applicationProperties(m).values()) {
                PLACEHOLDER.matcher((String) value).results().forEach(r -> placeholders.add(r.group(1)));
            }
            Path sources = ROOT.resolve(m).resolve("src/main/java");
            List<Path> files = List.of(); // db-schema has migrations only
            if (Files.isDirectory(sources)) {
                try (Stream<Path> walk = Files.walk(sources)) {
                    files = walk.filter(f -> f.toString().endsWith(".java")).toList();
                }
            }
            for (Path file : files) {
                Matcher prefix = CONFIGURATION_PROPERTIES.matcher(Files.readString(file));
                if (prefix.find()) {
                    String className = sources.relativize(file).toString().replace(".java", "").replace('/', '.');
                    RecordComponent[] components = Class.forName(className).getRecordComponents();
                    assertThat(components).as("%s is a record (this test reads its components)", className).isNotNull();
                    for (RecordComponent c : components) {
                        properties.add(prefix.group(1) + "." + c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return new Reads(placeholders, properties);
    }

    /** The module and every io.quaero module its jar holds (compile-scope dependencies, transitively). */
    private static List<String> modules(String module) throws IOException {
        var modules = new ArrayList<>(List.of(module));
        Matcher dependency = DEPENDENCY.matcher(Files.readString(ROOT.resolve(module).resolve("pom.xml")));
        while (dependency.find()) {
            String d = dependency.group(1);
            if (d.contains("<groupId>io.quaero</groupId>") && !d.contains("<scope>test</scope>")) {
                Matcher artifactId = ARTIFACT_ID.matcher(d);
                assertThat(artifactId.find()).as("an artifactId in %s's pom: %s", module, d).isTrue();
                modules.addAll(modules(artifactId.group(1)));
            }
        }
        return modules.stream().distinct().toList();
    }

    /** The module's application.properties; empty for a library, which has none. */
    private static Properties applicationProperties(String module) throws IOException {
        Path file = ROOT.resolve(module).resolve("src/main/resources/application.properties");
        var properties = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                properties.load(in);
            }
        }
        return properties;
    }
}
