/**
 * The jobs feed ({@code /api/job-status/stream}): every job's status changes as SSE for the jobs
 * list page, fed by the job-events tail through {@code tail.StatusWatchers}.
 */
package io.quaero.gateway.feed;
