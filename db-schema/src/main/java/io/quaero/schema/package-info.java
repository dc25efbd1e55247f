/**
 * db-schema: the one PostgreSQL schema (Flyway migrations in {@code db/migration}), who may do what
 * in it ({@link io.quaero.schema.DbRole}, migration V4), the setup step that makes a cluster's roles
 * and migrates as the owner ({@link io.quaero.schema.DatabaseSetup}), and where a service that
 * migrates at start gets Flyway's connections ({@link io.quaero.schema.MigrationAutoConfiguration}).
 */
@NullMarked
package io.quaero.schema;

import org.jspecify.annotations.NullMarked;
