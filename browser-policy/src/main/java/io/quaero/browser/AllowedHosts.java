package io.quaero.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request whose {@code Host} header names none of the allowed hosts: 400 with
 * {@code {"error":"bad_request","field":"Host",...}}, before any handler runs.
 *
 * <p>Why: a server on loopback with no sign-in (the dev stack) is reachable from any web page the
 * developer opens, through DNS rebinding: {@code evil.example} first resolves to the attacker's
 * server, which serves a page, then to 127.0.0.1, and that page's same-origin requests reach this
 * server with {@code Host: evil.example:8080}. The browser always sends the name it resolved, so
 * answering only to {@code localhost}, {@code 127.0.0.1} and {@code [::1]} defeats it (Jupyter and
 * webpack-dev-server do the same). The port is not compared: rebinding does not change it, and a
 * tunnel ({@code ssh -L 9000:localhost:8080}) legitimately does.
 *
 * <p>The header's value is not echoed in the answer (nor logged above debug): it is whatever an
 * attacker's page put in its URL.
 */
public final class AllowedHosts extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AllowedHosts.class);

    private static final byte[] REFUSAL = ("{\"error\":\"bad_request\",\"field\":\"Host\",\"message\":"
        + "\"this server answers only to the host names in quaero.http.allowed-hosts (a DNS-rebinding defence);"
        + " open it as http://localhost:<port>/ or add the name to that setting\"}").getBytes(StandardCharsets.UTF_8);

    private final Set<String> hosts;

    /** @param hosts lower-case host names or IP literals, IPv6 in brackets, no ports */
    public AllowedHosts(Set<String> hosts) {
        this.hosts = Set.copyOf(hosts);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        String host = hostName(request.getHeader("Host"));
        if (host != null && hosts.contains(host)) {
            chain.doFilter(request, response);
            return;
        }
        log.debug("refused {} {}: Host {} is not in quaero.http.allowed-hosts", request.getMethod(),
            request.getRequestURI(), host);
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("application/json");
        response.setContentLength(REFUSAL.length);
        response.getOutputStream().write(REFUSAL);
    }

    /**
     * The host part of a {@code Host} header, lower case, without the port: {@code localhost:8080}
     * → {@code localhost}, {@code [::1]:8080} → {@code [::1]}; null when absent or malformed.
     */
    static @Nullable String hostName(@Nullable String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        String h = header.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0 || (close + 1 < h.length() && h.charAt(close + 1) != ':')) {
                return null;
            }
            return h.substring(0, close + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && h.indexOf(':', colon + 1) >= 0) {
            return null; // an unbracketed IPv6 literal is not a valid Host
        }
        return colon < 0 ? h : h.substring(0, colon);
    }
}
