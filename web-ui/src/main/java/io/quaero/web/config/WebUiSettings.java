package io.quaero.web.config;

import org.springframework.stereotype.Component;

/**
 * Facts the layout needs. Alpine.js is its CSP build, npm's {@code @alpinejs/csp}, vendored under
 * {@code pages/static/vendor/alpinejs-csp/<version>/} (its README says from where, its licence
 * is beside it): the standard build evaluates template expressions with {@code new Function},
 * which the pages' Content-Security-Policy refuses (docs/SECURITY.md), and no WebJar of the CSP
 * build resolves from Maven Central. The version is written here and in the folder's name only;
 * a missing file stops startup rather than serving pages that cannot run.
 */
@Component("webUiSettings")
public class WebUiSettings {

    /** The vendored Alpine CSP build's version: the folder it lives in. */
    static final String ALPINE_VERSION = "3.17.4";

    private static final String ALPINE_SCRIPT = "/static/vendor/alpinejs-csp/" + ALPINE_VERSION + "/cdn.min.js";

    public WebUiSettings() {
        String resource = "/pages" + ALPINE_SCRIPT;
        if (WebUiSettings.class.getResource(resource) == null) {
            throw new IllegalStateException("Alpine's CSP build is missing from the class path (" + resource + ")");
        }
    }

    /** e.g. {@code 3.17.4}. */
    public String alpineVersion() {
        return ALPINE_VERSION;
    }

    /**
     * Where the pages load Alpine from, this origin: {@code /static/vendor/alpinejs-csp/<version>/cdn.min.js}.
     * The layout writes the same path with {@link #alpineVersion()} as a link parameter (Thymeleaf
     * 3.1 refuses a bean reference as a script's whole {@code th:src}); a dev-stack test checks
     * that the page loads exactly this.
     */
    public String alpineScriptPath() {
        return ALPINE_SCRIPT;
    }
}
