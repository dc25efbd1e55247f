package io.quaero.jobs.accounts;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.quaero.access.Caller;
import io.quaero.contracts.audit.AuditAction;
import io.quaero.jobs.audit.Auditor;
import io.quaero.access.Directory;
import io.quaero.access.SessionCookie;
import io.quaero.access.SessionTokens;
import io.quaero.access.limits.Clients;
import io.quaero.contracts.ApiError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/session}: signing in (name and password, or a one-time link), who is signed in,
 * changing one's password, signing out. A session is a signed cookie ({@link SessionTokens}); the
 * password is checked by Spring Security's {@link DaoAuthenticationProvider} (which spends the
 * same time on an unknown name as on a wrong password, so names cannot be probed by timing), and
 * repeated wrong passwords for one name, or from one client address, are slowed down
 * ({@link SignInThrottle}).
 */
@RestController
class SessionController {

    private static final Clock CLOCK = Clock.systemUTC();

    private final Directory directory;
    private final Accounts accounts;
    private final SessionTokens tokens;
    private final DaoAuthenticationProvider passwords;
    private final SignInThrottle byName = new SignInThrottle(CLOCK, SignInThrottle.FREE_FAILURES_PER_NAME);
    private final SignInThrottle byAddress = new SignInThrottle(CLOCK, SignInThrottle.FREE_FAILURES_PER_ADDRESS);
    private final Clients clients;

    private final Auditor auditor;

    SessionController(Directory directory, Accounts accounts, SessionTokens tokens, PasswordEncoder encoder, Clients clients,
                      Auditor auditor) {
        this.clients = clients;
        this.auditor = auditor;
        this.directory = directory;
        this.accounts = accounts;
        this.tokens = tokens;
        this.passwords = new DaoAuthenticationProvider(name -> directory.byName(name)
            .flatMap(a -> directory.passwordHash(a.name()).map(hash ->
                User.withUsername(a.name()).password(hash).disabled(a.disabled()).authorities(a.role().authority()).build()))
            .orElseThrow(() -> new UsernameNotFoundException("no such user")));
        this.passwords.setPasswordEncoder(encoder);
    }

    /** {@code {"name": "...", "password": "..."}} → the session cookie and who signed in. */
    @PostMapping(path = "/api/session", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> signIn(@RequestBody(required = false) JsonNode body, HttpServletRequest request, HttpServletResponse response) {
        Fields fields = Fields.of(body, Set.of("name", "password"));
        String name = fields.required("name");
        String password = fields.required("password");
        String address = clients.address(request).getHostAddress();
        var wait = byName.waitFor(name).or(() -> byAddress.waitFor(address));
        if (wait.isPresent()) {
            return tooManyAttempts(wait.get(), "password");
        }
        try {
            passwords.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(name, password));
            byName.succeeded(name);
            byAddress.succeeded(address);
        } catch (BadCredentialsException | UsernameNotFoundException | DisabledException e) {
            byName.failed(name);
            byAddress.failed(address);
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_JSON)
                .body(new ApiError("unauthenticated", "password", "wrong name or password"));
        } catch (AuthenticationException e) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_JSON)
                .body(new ApiError("unauthenticated", "name", e.getMessage()));
        }
        var account = directory.byName(name).orElseThrow();
        var session = tokens.issue(account);
        SessionCookie.set(request, response, session, CLOCK);
        return ResponseEntity.ok(me(account.caller(session.expiresAt())));
    }

    /** Who is signed in on this request (a session or an API token). */
    @GetMapping(path = "/api/session", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> current() {
        return me(Caller.require());
    }

    /** Signs the caller out: every session of theirs, on every instance (within seconds), ends. */
    @DeleteMapping("/api/session")
    ResponseEntity<Void> signOut(HttpServletRequest request, HttpServletResponse response) {
        accounts.signOutEverywhere(Caller.require().userId());
        SessionCookie.clear(request, response);
        return ResponseEntity.noContent().build();
    }

    /** {@code {"current": "...", "password": "..."}}: a new password; other sessions end, this one goes on. */
    @PutMapping(path = "/api/session/password", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> changePassword(@RequestBody(required = false) JsonNode body, HttpServletRequest request,
                                     HttpServletResponse response) {
        Fields fields = Fields.of(body, Set.of("current", "password"));
        Caller caller = Caller.require();
        String current = fields.required("current");
        String password = fields.password("password");
        var wait = byName.waitFor(caller.name());
        if (wait.isPresent()) {
            return tooManyAttempts(wait.get(), "current");
        }
        try {
            passwords.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(caller.name(), current));
            byName.succeeded(caller.name());
        } catch (AuthenticationException e) {
            byName.failed(caller.name());
            return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.APPLICATION_JSON)
                .body(new ApiError("forbidden", "current", "the current password is wrong"));
        }
        auditor.change(() -> {
            accounts.setPassword(caller.userId(), password);
            auditor.record(AuditAction.PASSWORD_CHANGED, caller.name(), Map.of());
            return null;
        });
        var account = directory.byId(caller.userId()).orElseThrow();
        SessionCookie.set(request, response, tokens.issue(account), CLOCK);
        return ResponseEntity.noContent().build();
    }

    /** 429 with {@code Retry-After}: the throttle wants this name to wait before its password is checked again. */
    private static ResponseEntity<ApiError> tooManyAttempts(Duration wait, String field) {
        long seconds = Math.max(1, wait.toSeconds() + (wait.toMillisPart() > 0 ? 1 : 0));
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
            .contentType(MediaType.APPLICATION_JSON)
            .body(new ApiError(ApiError.TOO_MANY_ATTEMPTS, field, "too many wrong passwords: try again in " + seconds + " s"));
    }

    /** A one-time sign-in link: spent on first use, then the browser goes to {@code next} (a path here), signed in. */
    @GetMapping("/api/session/link")
    ResponseEntity<Void> link(@RequestParam String token, @RequestParam(required = false) @Nullable String next,
                              HttpServletRequest request, HttpServletResponse response) {
        var user = accounts.spendSignInLink(token).flatMap(directory::byId).filter(a -> !a.disabled());
        if (user.isEmpty()) {
            return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/signin?error=link")).build();
        }
        SessionCookie.set(request, response, tokens.issue(user.get()), CLOCK);
        // Only a path on this origin: a link must not send the browser elsewhere.
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(localPath(next)).build();
    }

    /** {@code next} if it is a path on this origin, else {@code /}: a link must not send the browser elsewhere. */
    static URI localPath(@Nullable String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
            return URI.create("/");
        }
        try {
            URI uri = new URI(next);
            return uri.getScheme() == null && uri.getAuthority() == null ? uri : URI.create("/");
        } catch (java.net.URISyntaxException e) {
            return URI.create("/");
        }
    }

    private static Map<String, Object> me(Caller caller) {
        var me = new java.util.LinkedHashMap<String, Object>();
        me.put("name", caller.name());
        me.put("role", caller.role().wireName());
        me.put("teams", new java.util.TreeSet<>(caller.teams()));
        me.put("expires_at", caller.sessionEnds());
        return me;
    }
}
