package io.quaero.web.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.springframework.stereotype.Component;

/**
 * Facts the layout needs, found once at startup. Alpine.js is its CSP build, the WebJar of npm's
 * {@code @alpinejs/csp}: the standard build evaluates template expressions with
 * {@code new Function}, which the pages' Content-Security-Policy refuses (docs/SECURITY.md). Its
 * version is read from the WebJar's own Maven metadata, so the pom's pinned version is the only
 * place it is written.
 */
@Component("webUiSettings")
public class WebUiSettings {

    private static final String ALPINE_ARTIFACT = "alpinejs__csp";
    private static final String ALPINE_POM = "/META-INF/maven/org.webjars.npm/" + ALPINE_ARTIFACT + "/pom.properties";

    private final String alpineVersion;

    public WebUiSettings() {
        try (InputStream in = WebUiSettings.class.getResourceAsStream(ALPINE_POM)) {
            if (in == null) {
                throw new IllegalStateException("the Alpine.js CSP WebJar is missing from the class path (" + ALPINE_POM + ")");
            }
            var props = new Properties();
            props.load(in);
            alpineVersion = props.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** e.g. {@code 3.17.4}. */
    public String alpineVersion() {
        return alpineVersion;
    }

    /** Where the page loads Alpine from: {@code /webjars/alpinejs__csp/<version>/dist/cdn.min.js}, this origin. */
    public String alpineScript() {
        return "/webjars/" + ALPINE_ARTIFACT + "/" + alpineVersion + "/dist/cdn.min.js";
    }
}
