package io.quaero.access;

import java.util.List;

/**
 * What a signed-in user may do. Each role includes the ones below it: a {@code viewer} watches and
 * downloads the logs of their teams' jobs; an {@code operator} also creates, cancels and re-runs
 * them; an {@code admin} also manages users, teams and tokens, reads the service logs and the
 * actuator, and sees every team's jobs.
 */
public enum Role {

    VIEWER("viewer"),
    OPERATOR("operator"),
    ADMIN("admin");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The name in the admin API's JSON, the {@code users.role} column and the session token. */
    public String wireName() {
        return wireName;
    }

    /** The Spring Security authority of this role alone ({@code ROLE_VIEWER}, ...). */
    public String authority() {
        return "ROLE_" + name();
    }

    /** The authorities a user with this role holds: its own and every role below it. */
    public List<String> authorities() {
        return java.util.Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal()).map(Role::authority).toList();
    }

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Role fromWire(String name) {
        for (Role r : values()) {
            if (r.wireName.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be one of viewer, operator, admin, got '" + name + "'");
    }
}
