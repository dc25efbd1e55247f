/**
 * Whether ingest is keeping up: the lag of each listener, when it last stored a batch, the
 * {@code ingest} health check that says DOWN when it is stuck or stopped, and their gauges.
 */
package io.quaero.ingest.health;
