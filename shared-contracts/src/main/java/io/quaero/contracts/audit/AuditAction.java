package io.quaero.contracts.audit;

import java.util.Arrays;

/**
 * What an audit entry records (the {@code action} of {@code audit_log} and of
 * {@code GET /api/admin/audit}), by wire name. docs/SECURITY.md, "Audit log", lists who writes
 * each and what its target is.
 */
public enum AuditAction {

    /** A job was created (target: the job). */
    JOB_CREATED("job-created"),
    /** A job's cancel was asked for (target: the job). */
    JOB_CANCELLED("job-cancelled"),
    /** A job was run again (target: the new job; details name the original). */
    JOB_RERUN("job-rerun"),
    /** A job's log was downloaded (target: the job; details: the filter). Written by the gateway, through {@code quaero.audit}. */
    LOGS_DOWNLOADED("logs-downloaded"),
    /** An admin deleted a job's stored logs (target: the job). */
    LOGS_DELETED("logs-deleted"),
    /** An admin created a user (target: the user's name; details: role and teams). */
    USER_CREATED("user-created"),
    /** An admin changed a user: role, teams, disabled, password (target: the user's name; details: what changed, never a password). */
    USER_CHANGED("user-changed"),
    /** A user set a new password (target: the user's name). */
    PASSWORD_CHANGED("password-changed"),
    /** An admin made an API token (target: the token's id; details: its user). */
    TOKEN_CREATED("token-created"),
    /** An admin revoked an API token (target: the token's id). */
    TOKEN_REVOKED("token-revoked"),
    /** An admin made a one-time sign-in link (target: the user's name). */
    SIGNIN_LINK_CREATED("signin-link-created"),
    /** An admin replaced the mask patterns (details: the patterns and from when they apply). */
    MASK_PATTERNS_SET("mask-patterns-set");

    private final String wireName;

    AuditAction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static AuditAction fromWire(String name) {
        for (AuditAction a : values()) {
            if (a.wireName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action '" + name + "', expected one of "
            + Arrays.stream(values()).map(AuditAction::wireName).toList());
    }
}
