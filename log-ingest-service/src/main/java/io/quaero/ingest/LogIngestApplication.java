package io.quaero.ingest;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Persists job events and service logs from Kafka to PostgreSQL. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LogIngestApplication {

    public static void main(String[] args) {
        SpringApplication.run(LogIngestApplication.class, args);
    }
}
