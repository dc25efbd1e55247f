package io.quaero.web.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.springframework.stereotype.Component;

/**
 * Facts the layout needs, found once at startup. The Alpine.js version is read from its WebJar's
 * own Maven metadata, so the pom's pinned version is the only place it is written.
 */
@Component("webUiSettings")
public class WebUiSettings {

    private static final String ALPINE_POM = "/META-INF/maven/org.webjars.npm/alpinejs/pom.properties";

    private final String alpineVersion;

    public WebUiSettings() {
        try (InputStream in = WebUiSettings.class.getResourceAsStream(ALPINE_POM)) {
            if (in == null) {
                throw new IllegalStateException("the Alpine.js WebJar is missing from the class path (" + ALPINE_POM + ")");
            }
            var props = new Properties();
            props.load(in);
            alpineVersion = props.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** e.g. {@code 3.15.0}: the path segment of {@code /webjars/alpinejs/<version>/dist/cdn.min.js}. */
    public String alpineVersion() {
        return alpineVersion;
    }
}
