package io.quaero.dev;

import io.quaero.gateway.StreamGatewayApplication;
import io.quaero.ingest.LogIngestApplication;
import io.quaero.jobs.JobServiceApplication;
import io.quaero.web.WebUiApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Every service's components in one application context: one origin for pages, REST and streams,
 * as the load balancer presents them in a cluster. Each service keeps its own package and beans;
 * they share the DataSource, the Kafka settings and the web server.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({LogIngestApplication.class, StreamGatewayApplication.class, JobServiceApplication.class, WebUiApplication.class})
public class DevStackApplication {
}
