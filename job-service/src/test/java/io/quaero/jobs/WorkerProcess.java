package io.quaero.jobs;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.quaero.infra.Endpoints;
import io.quaero.infra.ServiceProcess;
import io.quaero.infra.TestInfrastructure;
import io.quaero.jobs.config.JobsKafkaConfiguration;
import org.apache.kafka.clients.admin.Admin;

/** A real job-service worker in its own JVM, with a 3 s lease renewed every 500 ms, for tests that kill or freeze it. */
final class WorkerProcess {

    private WorkerProcess() {
    }

    /** Starts it and returns once it has joined the workers' group and holds dispatch partitions. */
    static Process start(String workerId) throws Exception {
        Endpoints e = TestInfrastructure.shared().endpoints();
        Process p = ServiceProcess.start(JobServiceApplication.class, e, new File("target/worker-" + workerId + ".log"), List.of(
            "--server.port=0", "--quaero.jobs.worker-id=" + workerId,
            "--quaero.jobs.lease-ttl=3s", "--quaero.jobs.heartbeat-interval=500ms",
            // A killed member holds its partitions until its session expires: keep that short.
            "--spring.kafka.consumer.properties.session.timeout.ms=6000",
            "--spring.kafka.consumer.properties.heartbeat.interval.ms=1500"));
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
            try (var admin = Admin.create(Map.of("bootstrap.servers", e.kafkaBootstrap()))) {
                var group = admin.describeConsumerGroups(List.of(JobsKafkaConfiguration.WORKER_GROUP))
                    .all().get().get(JobsKafkaConfiguration.WORKER_GROUP);
                return group.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty());
            }
        });
        return p;
    }
}
