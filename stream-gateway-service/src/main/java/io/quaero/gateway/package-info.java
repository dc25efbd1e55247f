/**
 * stream-gateway-service. {@code tail} reads {@code quaero.job-events} live and hands each event
 * to the connections watching its job; {@code history} reads the backlog, counts and status from
 * PostgreSQL; {@code stream} is the SSE endpoint and the per-connection loop; {@code api} maps
 * bad requests to JSON errors; {@code config} holds the settings.
 */
package io.quaero.gateway;
