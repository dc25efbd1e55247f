package io.quaero.jobs.accounts;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

import io.quaero.access.Caller;
import io.quaero.access.Directory;
import io.quaero.access.SessionCookie;
import io.quaero.access.SessionTokens;
import io.quaero.contracts.ApiError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
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
 * same time on an unknown name as on a wrong password, so names cannot be probed by timing).
 */
@RestController
class SessionController {

    private static final Clock CLOCK = Clock.systemUTC();

    private final Directory directory;
    private final Accounts accounts;
    private final SessionTokens tokens;
    private final DaoAuthenticationProvider passwords;

    SessionController(Directory directory, Accounts accounts, SessionTokens tokens, PasswordEncoder encoder) {
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
        try {
            passwords.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(name, password));
        } catch (BadCredentialsException | UsernameNotFoundException | DisabledException e) {
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
        try {
            passwords.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(caller.name(), current));
        } catch (AuthenticationException e) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.APPLICATION_JSON)
                .body(new ApiError("forbidden", "current", "the current password is wrong"));
        }
        accounts.setPassword(caller.userId(), password);
        var account = directory.byId(caller.userId()).orElseThrow();
        SessionCookie.set(request, response, tokens.issue(account), CLOCK);
        return ResponseEntity.noContent().build();
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
