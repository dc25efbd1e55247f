package io.quaero.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The browser side: pages rendered with one server-side layout ({@code pages/templates}) and the
 * scripts and styles they load ({@code pages/static}, under {@code /static/}). The pages talk to
 * the jobs API and the stream gateway on the same origin.
 */
@SpringBootApplication
public class WebUiApplication {

    public static void main(String[] args) {
        SpringApplication.run(WebUiApplication.class, args);
    }
}
