/**
 * query-cost: what a database query a user can trigger may cost. Every connection of the service's
 * pool carries PostgreSQL's {@code statement_timeout} ({@code quaero.db.statement-timeout});
 * a query it cancels is answered {@code 422 query_too_costly} naming the parameter to narrow, never
 * a 5xx. The stream gateway and job-service carry this jar (the dev stack, all services in one
 * process, gets it once); log-ingest does not: its writes are never cut. docs/SECURITY.md,
 * "Statement timeouts and search cost".
 */
@NullMarked
package io.quaero.querycost;

import org.jspecify.annotations.NullMarked;
