package io.quaero.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Streams job logs and status to browsers as Server-Sent Events. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StreamGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(StreamGatewayApplication.class, args);
    }
}
