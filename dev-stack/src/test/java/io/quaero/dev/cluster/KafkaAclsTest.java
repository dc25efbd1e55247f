package io.quaero.dev.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.quaero.contracts.Topics;
import io.quaero.ingest.config.KafkaConfiguration;
import io.quaero.jobs.audit.AuditTopicListener;
import io.quaero.jobs.config.JobsKafkaConfiguration;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.SecurityUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kafka/acls.conf against the code that needs it, and against the compose setup that
 * applies it with kafka-acls.sh (no broker here: Issue14KafkaAclTest tries the ACLs on real ones).
 */
class KafkaAclsTest {

    private static final Path FILE = Path.of("..").resolve(KafkaAcls.FILE);
    private static final List<String> QUAERO_TOPICS =
        List.of(Topics.JOB_EVENTS, Topics.JOB_STATUS, Topics.SERVICE_LOGS, Topics.DEAD_LETTER, Topics.JOB_DISPATCH, Topics.AUDIT);

    @Test
    void everyConsumerGroupOfTheServicesIsTheOneTheCodeUses() throws Exception {
        assertThat(names("log-ingest", ResourceType.GROUP, AclOperation.READ)).isEqualTo(KafkaConfiguration.LISTENER_TOPICS.keySet());
        assertThat(names("job-service", ResourceType.GROUP, AclOperation.READ))
            .containsExactlyInAnyOrder(JobsKafkaConfiguration.WORKER_GROUP, AuditTopicListener.GROUP);
        assertThat(names("stream-gateway", ResourceType.GROUP, AclOperation.READ)).as("the gateway's tails are in no group").isEmpty();
        assertThat(names("worker", ResourceType.GROUP, AclOperation.READ)).containsExactly("quaero.worker.*");
        assertThat(JobsKafkaConfiguration.WORKER_GROUP).as("outside workers' prefix must not cover the built-in workers' group")
            .doesNotStartWith("quaero.worker.");
    }

    @Test
    void theServicesThatDeclareTopicsMayCreateExactlyTheQuaeroTopicsAndNoOneElseMay() throws Exception {
        for (String user : List.of("log-ingest", "job-service", "stream-gateway")) {
            assertThat(names(user, ResourceType.TOPIC, AclOperation.CREATE)).as(user).containsExactlyInAnyOrderElementsOf(QUAERO_TOPICS);
        }
        for (String user : List.of("web-ui", "worker")) {
            assertThat(names(user, ResourceType.TOPIC, AclOperation.CREATE)).as(user).isEmpty();
        }
        assertThat(KafkaAcls.read(FILE)).extracting(b -> b.entry().operation())
            .as("nobody changes or deletes a topic, nor uses transactions").doesNotContain(AclOperation.ALTER, AclOperation.ALTER_CONFIGS,
                AclOperation.DELETE, AclOperation.ALL, AclOperation.CLUSTER_ACTION, AclOperation.IDEMPOTENT_WRITE);
    }

    @Test
    void composesKafkaSetupCreatesExactlyTheSameAclsAsTheCluster(@TempDir Path dir) throws Exception {
        // setup.sh as compose runs it, with its admin tool replaced by one that records the commands.
        Files.copy(Path.of("../deploy/kafka/setup.sh"), dir.resolve("setup.sh"));
        Files.copy(FILE, dir.resolve("acls.conf"));
        Path calls = dir.resolve("calls.txt");
        Path tool = dir.resolve("admin-tool.sh");
        Files.writeString(tool, "#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        var builder = new ProcessBuilder("bash", dir.resolve("setup.sh").toString()).redirectErrorStream(true);
        for (String user : List.of("JOB_SERVICE", "LOG_INGEST", "STREAM_GATEWAY", "WEB_UI", "WORKER")) {
            builder.environment().put("QUAERO_KAFKA_" + user + "_PASSWORD", "pw-" + user);
        }
        Process setup = builder.start();
        String output = new String(setup.getInputStream().readAllBytes());
        assertThat(setup.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(setup.exitValue()).as(output).isZero();

        List<String> commands = Files.readAllLines(calls);
        assertThat(commands).filteredOn(c -> c.startsWith("kafka-configs.sh")).containsExactlyInAnyOrder(
            ClusterKafka.USERS.stream().filter(u -> !u.equals("admin")).map(u -> "kafka-configs.sh --bootstrap-server "
                + "kafka-1:9092,kafka-2:9092,kafka-3:9092 --alter --entity-type users --entity-name " + u
                + " --add-config SCRAM-SHA-512=[password=pw-" + u.toUpperCase().replace('-', '_') + "]").toArray(String[]::new));
        Set<String> applied = new HashSet<>();
        for (String command : commands.stream().filter(c -> c.startsWith("kafka-acls.sh")).toList()) {
            applied.addAll(bindingsOf(command));
        }
        assertThat(applied).isEqualTo(KafkaAcls.read(FILE).stream().map(KafkaAclsTest::key).collect(Collectors.toSet()));
    }

    /** What one {@code kafka-acls.sh --add} command line creates, in {@link #key} form. */
    private static Set<String> bindingsOf(String command) {
        List<String> words = List.of(command.split(" "));
        String principal = words.get(words.indexOf("--allow-principal") + 1);
        String pattern = words.get(words.indexOf("--resource-pattern-type") + 1);
        String type = words.contains("--topic") ? "topic" : "group";
        String name = words.get(words.indexOf("--" + type) + 1);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals("--operation")) {
                keys.add(String.join(" ", principal, SecurityUtils.operation(words.get(i + 1)).name(),
                    SecurityUtils.resourceType(type).name(), name, pattern.toUpperCase()));
            }
        }
        return keys;
    }

    private static String key(AclBinding binding) {
        return String.join(" ", binding.entry().principal(), binding.entry().operation().name(),
            binding.pattern().resourceType().name(), binding.pattern().name(), binding.pattern().patternType().name());
    }

    /** The names {@code user} is allowed {@code operation} on, a prefix ending in {@code *}. */
    private static Set<String> names(String user, ResourceType type, AclOperation operation) throws Exception {
        return KafkaAcls.read(FILE).stream()
            .filter(b -> b.entry().principal().equals("User:" + user) && b.pattern().resourceType() == type
                && b.entry().operation() == operation)
            .map(b -> b.pattern().name() + (b.pattern().patternType() == PatternType.PREFIXED ? "*" : ""))
            .collect(Collectors.toSet());
    }
}
