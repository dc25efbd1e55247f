/**
 * stream-gateway-service, by feature:
 * <ul>
 * <li>{@code hub}: who watches what: the channels, the live Kafka tails that feed them (the job
 *     events on demand, the job status, the service logs, the dead letters), batches, the
 *     per-connection queue, the jobs' rings, the Kafka bridge for the window the database has not
 *     stored yet, the connection budget;</li>
 * <li>{@code logstream}: a job's or the service logs' SSE stream ({@code /api/jobs/{id}/logs/stream},
 *     {@code /api/service/logs/stream}, and as channels of {@code /api/streams});</li>
 * <li>{@code feed}: every job's status changes as SSE, for the jobs list ({@code /api/job-status/stream});</li>
 * <li>{@code fetch}: the JSON fallbacks and the download;</li>
 * <li>{@code history}: what PostgreSQL holds (snapshots, pages, counts);</li>
 * <li>{@code filter}: the validated query every endpoint shares;</li>
 * <li>{@code sse}: frame writing and the one connection loop;</li>
 * <li>{@code api}: 4xx/503 answers as JSON; {@code config}: settings.</li>
 * </ul>
 */
package io.quaero.gateway;
