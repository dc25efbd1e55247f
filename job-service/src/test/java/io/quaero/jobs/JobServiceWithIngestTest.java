package io.quaero.jobs;

import io.quaero.access.TestCallers;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.quaero.infra.RealInfrastructure;
import io.quaero.ingest.LogIngestApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * job-service on a random port with the real log-ingest-service beside it, on the JVM's shared
 * real Kafka and Postgres: a job's status reaches the jobs table only as in production, through
 * its events and ingest. Leases, heartbeats and the reaper are fast so failures show in seconds.
 * The context is closed after each class, so a class that runs its own workers (in another
 * process) is not competing with this one's for commands.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Import(TestCallers.class)
@SpringBootTest(classes = {JobServiceApplication.class, LogIngestApplication.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "quaero.jobs.lease-ttl=3s",
        "quaero.jobs.heartbeat-interval=500ms",
        "quaero.jobs.reaper-interval=500ms",
        "quaero.jobs.external-idle-timeout=4s",
        "spring.kafka.consumer.properties.session.timeout.ms=6000",
        "spring.kafka.consumer.properties.heartbeat.interval.ms=1500"})
@ContextConfiguration(initializers = RealInfrastructure.class)
@DirtiesContext
@interface JobServiceWithIngestTest {
}
