package io.quaero.browser;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code quaero.http.*}, checked once at startup.
 *
 * @param allowedHosts {@code quaero.http.allowed-hosts}: the only host names ({@code Host} header,
 *                     port ignored) this server answers to; names or IP literals, IPv6 in
 *                     brackets ({@code [::1]}), compared without case. Default: empty, which turns
 *                     the check off (a cluster behind its balancer, which answers to whatever name
 *                     the deployment gives it). The dev stack sets {@code localhost,127.0.0.1,[::1]}.
 */
@ConfigurationProperties("quaero.http")
public record BrowserPolicyProperties(@Nullable List<String> allowedHosts) {

    public BrowserPolicyProperties {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        for (String host : allowedHosts) {
            String problem = problem(host);
            if (problem != null) {
                throw new IllegalArgumentException("quaero.http.allowed-hosts: '" + host + "' " + problem);
            }
        }
    }

    /** The allowed names as {@link AllowedHosts} compares them. */
    public Set<String> hostNames() {
        var names = new LinkedHashSet<String>();
        allowedHosts.forEach(h -> names.add(h.trim().toLowerCase(Locale.ROOT)));
        return names;
    }

    private static @Nullable String problem(String host) {
        String h = host.trim();
        if (h.isEmpty()) {
            return "is blank";
        }
        if (h.equals("*")) {
            return "is a wildcard; leave the setting empty to turn the check off";
        }
        if (h.startsWith("[") ? !h.endsWith("]") : h.contains(":")) {
            return "has a port or an unbracketed IPv6 address; give the name alone (ports are not compared), IPv6 as [::1]";
        }
        if (h.contains("/") || h.chars().anyMatch(Character::isWhitespace)) {
            return "is not a host name";
        }
        return null;
    }
}
