package io.quaero.gateway;

import io.quaero.access.TestCallers;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.quaero.infra.RealInfrastructure;
import io.quaero.ingest.LogIngestApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

/**
 * The gateway on a random port with the real log-ingest-service beside it, on the JVM's shared
 * real Kafka and Postgres: what a test produces is stored as in production. Classes using it
 * share one cached context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Import(TestCallers.class)
@SpringBootTest(classes = {StreamGatewayApplication.class, LogIngestApplication.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
@interface GatewayWithIngestTest {
}
