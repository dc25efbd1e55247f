package io.quaero.schema;

/**
 * The database roles of a cluster, one per service and the owner (docs/SECURITY.md, "Database
 * roles"). What each may do is migration V4; {@link DatabaseSetup} makes them with their passwords.
 * The one-process dev stack and the tests connect as one superuser and do not use them.
 */
public enum DbRole {

    /** Owns the schema and runs the migrations; no service logs in as it. */
    OWNER("quaero_owner", "QUAERO_DB_OWNER_PASSWORD"),
    /** log-ingest: writes the log tables, and the job rows in the columns it owns. */
    INGEST("quaero_ingest", "QUAERO_DB_INGEST_PASSWORD"),
    /** job-service: the jobs it creates and runs, the accounts. */
    JOBS("quaero_jobs", "QUAERO_DB_JOBS_PASSWORD"),
    /** The stream gateway: reads only. */
    GATEWAY("quaero_gateway", "QUAERO_DB_GATEWAY_PASSWORD");

    private final String roleName;
    private final String passwordVariable;

    DbRole(String roleName, String passwordVariable) {
        this.roleName = roleName;
        this.passwordVariable = passwordVariable;
    }

    /** The role's name in PostgreSQL (a plain identifier: no quoting needed). */
    public String roleName() {
        return roleName;
    }

    /** The environment variable {@link DatabaseSetup} takes its password from. */
    public String passwordVariable() {
        return passwordVariable;
    }

    @Override
    public String toString() {
        return roleName;
    }
}
