package io.quaero.jobs.accounts;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quaero.access.Directory;
import io.quaero.access.Names;
import io.quaero.access.Role;
import io.quaero.contracts.audit.AuditAction;
import io.quaero.jobs.api.BadRequestException;
import io.quaero.jobs.api.NotFoundException;
import io.quaero.jobs.audit.Auditor;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/admin/**}, for admins only (the access table in {@code access}): users with their
 * role and teams (made, changed, disabled), API tokens, one-time sign-in links. docs/SECURITY.md
 * documents each call. Every change is recorded in the audit log in its own transaction ({@link Auditor}).
 */
@RestController
class AdminController {

    /** How long a one-time sign-in link made here stays valid. */
    static final Duration LINK_LIFETIME = Duration.ofMinutes(15);

    private final Accounts accounts;
    private final Directory directory;
    private final Auditor auditor;

    AdminController(Accounts accounts, Directory directory, Auditor auditor) {
        this.accounts = accounts;
        this.directory = directory;
        this.auditor = auditor;
    }

    /** {@code {"name", "password", "role", "teams": [...]}} → 201 and the user (no password). */
    @PostMapping(path = "/api/admin/users", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Accounts.UserView> createUser(@RequestBody(required = false) JsonNode body) {
        Fields fields = Fields.of(body, Set.of("name", "password", "role", "teams"));
        String name = fields.name("name");
        String password = fields.password("password");
        Role role = role(fields);
        Set<String> teams = fields.teams("teams");
        long id = auditor.change(() -> {
            long made = accounts.createUser(name, password, role, teams);
            auditor.record(AuditAction.USER_CREATED, name, Map.of("role", role.wireName(), "teams", List.copyOf(teams)));
            return made;
        });
        return ResponseEntity.status(HttpStatus.CREATED).body(accounts.users().stream().filter(u -> u.id() == id).findFirst().orElseThrow());
    }

    /**
     * {@code {"role"?, "teams"?, "disabled"?, "password"?}}: changes what is given and ends the
     * user's sessions; 404 for an unknown user, 409 when no enabled admin would remain.
     */
    @PatchMapping(path = "/api/admin/users/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
    Accounts.UserView changeUser(@PathVariable String name, @RequestBody(required = false) JsonNode body) {
        if (!Names.USER.matcher(name).matches()) {
            throw new NotFoundException("name", "no user named '" + name + "'");
        }
        var user = directory.byName(name).orElseThrow(() -> new NotFoundException("name", "no user named '" + name + "'"));
        Fields fields = Fields.of(body, Set.of("role", "teams", "disabled", "password"));
        var change = new Accounts.UserChange(
            fields.text("role") == null ? null : role(fields),
            fields.has("teams") ? fields.teams("teams") : null,
            fields.flag("disabled"),
            fields.has("password") ? fields.password("password") : null);
        Map<String, Object> changed = new java.util.LinkedHashMap<>();
        if (change.role() != null) {
            changed.put("role", change.role().wireName());
        }
        if (change.teams() != null) {
            changed.put("teams", List.copyOf(change.teams()));
        }
        if (change.disabled() != null) {
            changed.put("disabled", change.disabled());
        }
        if (change.password() != null) {
            changed.put("password", "set");
        }
        auditor.change(() -> {
            accounts.changeUser(user.id(), change);
            auditor.record(AuditAction.USER_CHANGED, name, changed);
            return null;
        });
        return accounts.users().stream().filter(u -> u.id() == user.id()).findFirst().orElseThrow();
    }

    @GetMapping(path = "/api/admin/users", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, List<Accounts.UserView>> users() {
        return Map.of("users", accounts.users());
    }

    /**
     * {@code {"user": "name", "description": "...", "expires_in_days": 90}} → 201
     * {@code {"token": "qt_..."}}: shown this once, stored only as a hash.
     */
    @PostMapping(path = "/api/admin/tokens", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> createToken(@RequestBody(required = false) JsonNode body) {
        Fields fields = Fields.of(body, Set.of("user", "description", "expires_in_days"));
        var user = user(fields.name("user"));
        Long days = fields.positiveLong("expires_in_days");
        String description = fields.text("description");
        String token = auditor.change(() -> {
            var made = accounts.createToken(user.id(), description, days == null ? null : Duration.ofDays(days));
            var details = new LinkedHashMap<String, Object>();
            details.put("user", user.name());
            if (days != null) {
                details.put("expires_in_days", days);
            }
            auditor.record(AuditAction.TOKEN_CREATED, Long.toString(made.id()), details);
            return made.token();
        });
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("token", token));
    }

    @GetMapping(path = "/api/admin/tokens", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, List<Accounts.TokenView>> tokens() {
        return Map.of("tokens", accounts.tokens());
    }

    /** Revokes a token at once on this instance, within seconds on every other. */
    @DeleteMapping("/api/admin/tokens/{id}")
    ResponseEntity<Void> revokeToken(@PathVariable long id) {
        auditor.change(() -> {
            if (!accounts.revokeToken(id)) {
                throw new NotFoundException("id", "no API token " + id);
            }
            auditor.record(AuditAction.TOKEN_REVOKED, Long.toString(id), Map.of());
            return null;
        });
        return ResponseEntity.noContent().build();
    }

    /** {@code {"user": "name"}} → {@code {"link": "/api/session/link?token=..."}}, spent on first use, valid 15 minutes. */
    @PostMapping(path = "/api/admin/signin-links", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> signInLink(@RequestBody(required = false) JsonNode body) {
        Fields fields = Fields.of(body, Set.of("user"));
        var user = user(fields.name("user"));
        String secret = auditor.change(() -> {
            String made = accounts.createSignInLink(user.id(), LINK_LIFETIME);
            auditor.record(AuditAction.SIGNIN_LINK_CREATED, user.name(), Map.of());
            return made;
        });
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("link", "/api/session/link?token=" + secret));
    }

    private static Role role(Fields fields) {
        try {
            return Role.fromWire(fields.required("role"));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("role", e.getMessage());
        }
    }

    private Directory.Account user(String name) {
        return directory.byName(name).orElseThrow(() -> new BadRequestException("user", "no user named '" + name + "'"));
    }
}
