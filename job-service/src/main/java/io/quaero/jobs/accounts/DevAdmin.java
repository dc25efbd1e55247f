package io.quaero.jobs.accounts;

import java.time.Duration;
import java.util.Set;

import io.quaero.access.AccessProperties;
import io.quaero.access.ApiTokens;
import io.quaero.access.Role;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The dev stack's (and {@code ./quaero cluster}'s) first admin, so a newcomer's first page opens
 * signed in: at start, {@code admin} (team {@code default}, a random password nobody is told) is
 * made if no admin exists, {@code QUAERO_DEV_ADMIN_TOKEN} becomes its API token when set, and a
 * one-time sign-in link is made, as Jupyter prints one ({@link #signInPath()}, printed by the dev
 * stack; the cluster asks the admin API for its own). Only with {@code quaero.access.dev-admin=true}.
 */
@Component
@ConditionalOnBooleanProperty("quaero.access.dev-admin")
public class DevAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DevAdmin.class);
    /** The dev admin's name: benchmarks and drills exempt it from the limits (quaero.limits.exempt-users). */
    public static final String NAME = "admin";
    static final String TEAM = "default";
    /** Long enough to open the printed link after a slow start. */
    static final Duration LINK_LIFETIME = Duration.ofHours(1);

    private final Accounts accounts;
    private final JdbcTemplate jdbc;
    private final AccessProperties props;
    private volatile @Nullable String signInPath;

    DevAdmin(Accounts accounts, JdbcTemplate jdbc, AccessProperties props) {
        this.accounts = accounts;
        this.jdbc = jdbc;
        this.props = props;
    }

    @Override
    public void run(ApplicationArguments args) {
        Long admin = jdbc.query("SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id LIMIT 1",
            (rs, i) -> rs.getLong(1)).stream().findFirst().orElse(null);
        if (admin == null) {
            // Nobody signs in with this password: the link (or a password set by the admin) is the way in.
            admin = accounts.createUser(NAME, ApiTokens.generate(), Role.ADMIN, Set.of(TEAM));
            log.info("made the dev admin '{}' (team '{}'); sign in with the link the dev stack prints", NAME, TEAM);
        }
        if (props.devAdminToken() != null && !props.devAdminToken().isBlank()) {
            accounts.ensureToken(admin, props.devAdminToken(), "QUAERO_DEV_ADMIN_TOKEN");
        }
        signInPath = "/api/session/link?token=" + accounts.createSignInLink(admin, LINK_LIFETIME);
    }

    /** The path of this start's one-time sign-in link (null before the application has started). */
    public @Nullable String signInPath() {
        return signInPath;
    }
}
