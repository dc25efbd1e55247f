package io.quaero.access;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Quaero's one Spring Security filter chain, the same in every service (and once in the dev
 * stack, where every service shares a context): who the caller is, and the access table by path.
 *
 * <p>Who. A request carries either {@code Authorization: Bearer <token>} (scripts: an API token
 * {@code qt_...}, checked against {@code api_tokens}; or a session token) or the session cookie
 * ({@link SessionTokens#COOKIE}: browsers, EventSource included). Both go through Spring
 * Security's resource-server filter; an {@link AuthenticationManagerResolver} picks the session
 * token's or the API token's check by the token's shape. No HTTP session is kept: any instance
 * checks any request.
 *
 * <p>What (the access table; docs/SECURITY.md): sign-in, the sign-in page and its assets, health
 * and the Prometheus scrape are public; {@code /api/admin/**}, the service logs and the rest of
 * the actuator are for admins; creating, cancelling and re-running jobs for operators; everything
 * else for any signed-in user, each controller then showing only the caller's teams' jobs
 * ({@link Caller#sees}: another team's job is a 404). That last row covers every read of a job's
 * log: the stream, the fallback page, the download, and the job page's range, matches and raw
 * reads (issue 15; {@code /api/jobs/*}{@code /logs/range|matches|raw}); each has its row in
 * dev-stack's EndpointAccessMatrixTest.
 *
 * <p>CSRF. A request that changes something and carries the cookie must also send the
 * {@code XSRF-TOKEN} cookie's value in {@code X-XSRF-TOKEN} (double submit, stateless: any
 * instance checks it); the page's library does. One with an {@code Authorization} header is
 * exempt: no browser adds that header by itself.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
    beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@EnableConfigurationProperties(AccessProperties.class)
@EnableWebSecurity
@Import(UnroutedErrors.class)
public class AccessConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AccessConfiguration.class);

    /** Paths anyone may reach: signing in, the sign-in page and what it loads, health, metrics. */
    static final RequestMatcher PUBLIC = new OrRequestMatcher(
        PathPatternRequestMatcher.pathPattern(Denials.SIGN_IN_PAGE),
        PathPatternRequestMatcher.pathPattern("/static/**"),
        PathPatternRequestMatcher.pathPattern("/webjars/**"),
        PathPatternRequestMatcher.pathPattern("/favicon.ico"),
        PathPatternRequestMatcher.pathPattern("/error"),
        PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/session"),
        PathPatternRequestMatcher.pathPattern(HttpMethod.GET, "/api/session/link"),
        PathPatternRequestMatcher.pathPattern("/actuator/health"),
        PathPatternRequestMatcher.pathPattern("/actuator/health/**"),
        PathPatternRequestMatcher.pathPattern("/actuator/prometheus"));

    /** Sessions and revocation are judged by the wall clock (tokens carry wall-clock instants). */
    private static final Clock CLOCK = Clock.systemUTC();

    /**
     * The users' directory where the service has a database (not web-ui: it checks a session's
     * signature and expiry only). A class of its own, so a service without JDBC never loads it.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.jdbc.core.JdbcTemplate")
    static class DirectoryConfiguration {

        @Bean
        @ConditionalOnBean(JdbcTemplate.class)
        Directory directory(JdbcTemplate jdbc) {
            return new Directory(jdbc, CLOCK);
        }
    }

    @Bean
    SessionTokens sessionTokens(AccessProperties props, ObjectProvider<Directory> directory) {
        List<AccessProperties.SessionKey> keys = props.keys();
        if (keys.isEmpty()) {
            log.warn("quaero.access.session-keys is not set: sessions are signed with a random key, valid in this process "
                + "only (fine for the one-process dev stack; a cluster needs the same keys in every service)");
            keys = List.of(SessionTokens.randomKey());
        }
        Directory d = directory.getIfAvailable();
        OAuth2TokenValidator<Jwt> stillHolds = d == null ? jwt -> OAuth2TokenValidatorResult.success()
            : jwt -> d.sessionHolds(Long.parseLong(jwt.getSubject()), SessionTokens.signedInAt(jwt))
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "the session was signed out", null));
        return new SessionTokens(keys, props.sessionIdle(), props.sessionMax(), CLOCK, stillHolds);
    }

    @Bean
    Standings standings(ObjectProvider<Directory> directory, SessionTokens tokens) {
        return new Standings(directory.getIfAvailable(), tokens);
    }

    /** The {@code Authorization} header, else the session cookie (never on public paths: a stale cookie must not fail sign-in). */
    @Bean
    BearerTokenResolver quaeroTokenResolver() {
        var header = new DefaultBearerTokenResolver();
        return request -> {
            String fromHeader = header.resolve(request);
            if (fromHeader != null || PUBLIC.matches(request) || request.getCookies() == null) {
                return fromHeader;
            }
            for (var c : request.getCookies()) {
                if (c.getName().equals(SessionTokens.COOKIE) && !c.getValue().isEmpty()) {
                    return c.getValue();
                }
            }
            return null;
        };
    }

    @Bean
    AuthenticationManagerResolver<HttpServletRequest> quaeroAuthentication(SessionTokens tokens, ObjectProvider<Directory> directory,
                                                                          BearerTokenResolver quaeroTokenResolver) {
        var sessions = new JwtAuthenticationProvider(tokens.decoder());
        sessions.setJwtAuthenticationConverter(jwt -> new CallerAuthentication(tokens.caller(jwt), jwt));
        AuthenticationManager sessionManager = new ProviderManager(sessions);
        AuthenticationManager apiTokenManager = new ProviderManager(new ApiTokenProvider(directory.getIfAvailable()));
        return request -> {
            String token = quaeroTokenResolver.resolve(request);
            return token != null && token.startsWith(ApiTokens.PREFIX) ? apiTokenManager : sessionManager;
        };
    }

    @Bean
    SecurityFilterChain quaeroSecurity(HttpSecurity http, AuthenticationManagerResolver<HttpServletRequest> quaeroAuthentication,
                                       BearerTokenResolver quaeroTokenResolver, SessionTokens tokens)
        throws Exception {
        var denials = new Denials();
        var csrfTokens = CookieCsrfTokenRepository.withHttpOnlyFalse();
        csrfTokens.setCookieCustomizer(c -> c.path("/").sameSite("Strict"));
        var csrfHandler = new CsrfTokenRequestAttributeHandler();
        // Loaded on every request, so every response that lacks the cookie sets it: the page's
        // script has it before its first POST.
        csrfHandler.setCsrfRequestAttributeName(null);
        http
            .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .requestCache(c -> c.disable())
            .formLogin(f -> f.disable())
            .httpBasic(b -> b.disable())
            .logout(l -> l.disable())
            // Module browser-policy sets the browser headers on every response, before this chain
            // (one definition, and on refusals too); Spring Security's own would repeat two of them.
            .headers(h -> h.contentTypeOptions(c -> c.disable()).frameOptions(f -> f.disable()))
            .csrf(c -> c.csrfTokenRepository(csrfTokens).csrfTokenRequestHandler(csrfHandler)
                .ignoringRequestMatchers(AccessConfiguration::bearer))
            .oauth2ResourceServer(o -> o.authenticationManagerResolver(quaeroAuthentication)
                .bearerTokenResolver(quaeroTokenResolver).authenticationEntryPoint(denials).accessDeniedHandler(denials))
            .exceptionHandling(e -> e.authenticationEntryPoint(denials).accessDeniedHandler(denials))
            .authorizeHttpRequests(a -> a
                .requestMatchers(PUBLIC).permitAll()
                .requestMatchers("/actuator/**", "/api/admin/**", "/api/service/**", "/service-logs").hasRole(Role.ADMIN.name())
                .requestMatchers(HttpMethod.POST, "/api/jobs", "/api/jobs/*/cancel", "/api/jobs/*/rerun")
                    .hasRole(Role.OPERATOR.name())
                .anyRequest().authenticated())
            .addFilterAfter(new Renewal(tokens, CLOCK), BearerTokenAuthenticationFilter.class);
        return http.build();
    }

    /** True for a request that carries a bearer token: no browser adds one by itself, so it needs no CSRF token. */
    private static boolean bearer(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** API tokens: looked up by their hash; unknown, revoked or expired ones are refused. */
    private record ApiTokenProvider(@Nullable Directory directory) implements AuthenticationProvider {

        @Override
        public Authentication authenticate(Authentication authentication) throws AuthenticationException {
            if (directory == null) {
                throw new InvalidBearerTokenException("API tokens are not accepted here (no database): sign in");
            }
            String token = ((BearerTokenAuthenticationToken) authentication).getToken();
            return directory.byApiToken(ApiTokens.hash(token))
                .map(owner -> new CallerAuthentication(owner.account().caller(owner.expiresAt()), owner.tokenId()))
                .orElseThrow(() -> new InvalidBearerTokenException("unknown, expired or revoked API token"));
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
        }
    }

    /** Renews a session in use: a new cookie once half of the idle time is gone. */
    private static final class Renewal extends OncePerRequestFilter {

        private final SessionTokens tokens;
        private final Clock clock;

        Renewal(SessionTokens tokens, Clock clock) {
            this.tokens = tokens;
            this.clock = clock;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
            Authentication a = SecurityContextHolder.getContext().getAuthentication();
            if (a instanceof CallerAuthentication ca && ca.getCredentials() instanceof Jwt jwt && !bearer(request)
                && tokens.dueForRenewal(jwt)) {
                SessionCookie.set(request, response, tokens.renew(jwt), clock);
            }
            chain.doFilter(request, response);
        }
    }
}
