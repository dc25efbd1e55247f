/**
 * The jobs feed ({@code /api/job-status/stream}): every job's status changes as SSE for the jobs
 * list page, fed by the status topic's tail ({@code hub.JobStatusTail}) through
 * {@code Hub.subscribeFeed}.
 */
package io.quaero.gateway.feed;
