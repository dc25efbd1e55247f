package io.quaero.access.limits;

import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code quaero.limits.*}: what every service needs to apply its limits (docs/SECURITY.md,
 * "Limits"). The limits themselves are the services' own settings ({@code quaero.stream.*} in the
 * gateway, {@code quaero.jobs.*} in job-service); these say who a request is from and whom they
 * spare, and how large a body may be anywhere.
 *
 * @param trustedProxies the balancers in front of the service, as CIDR blocks or addresses (env
 *                       {@code QUAERO_TRUSTED_PROXIES}, comma-separated). Only a request whose
 *                       socket peer is one of these has its {@code X-Forwarded-For} read, and then
 *                       only from the right, up to the first hop that is not one of these: the
 *                       leftmost entries are whatever the client sent. Empty (the default): the
 *                       socket's peer is the client address, and the header is never read.
 *                       {@code ./quaero cluster} sets loopback (its nginx), docker-compose the
 *                       balancer's fixed address
 * @param exemptUsers    users (names) no per-user or per-address limit applies to: their streams
 *                       are not counted per user or address, their job creations are not rated,
 *                       their load jobs not capped (env {@code QUAERO_EXEMPT_USERS}). For the
 *                       benchmarks and drills, which open hundreds of streams as one user. The
 *                       instance limits ({@code quaero.stream.max-connections}) and the body limit
 *                       still apply. Default: none
 * @param maxBody        the largest request body any endpoint reads; a larger one is answered 413
 *                       before anything parses it. Default 64KB (the largest body any API takes,
 *                       a job with its {@code params}, is at most 16 KiB of params)
 */
@ConfigurationProperties("quaero.limits")
public record LimitsProperties(
    @DefaultValue List<AddressRange> trustedProxies,
    @DefaultValue Set<String> exemptUsers,
    @DefaultValue("64KB") DataSize maxBody) {

    /** The smallest body limit accepted: below it a sign-in or a job's creation would not fit. */
    static final long MIN_BODY_BYTES = 1024;
    /** The largest body limit accepted: beyond it the limit would not protect memory. */
    static final long MAX_BODY_BYTES = 64L << 20;

    public LimitsProperties {
        trustedProxies = List.copyOf(trustedProxies);
        exemptUsers = Set.copyOf(exemptUsers.stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
        if (maxBody.toBytes() < MIN_BODY_BYTES || maxBody.toBytes() > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("quaero.limits.max-body must be 1KB..64MB, was " + maxBody);
        }
    }
}
