/**
 * stream-gateway-service, by feature:
 * <ul>
 * <li>{@code stream}: a job's SSE stream ({@code /api/jobs/{id}/logs/stream}) and its connection;</li>
 * <li>{@code service}: the platform's own logs as SSE ({@code /api/service/logs/stream});</li>
 * <li>{@code feed}: every job's status changes as SSE, for the jobs list ({@code /api/job-status/stream});</li>
 * <li>{@code fetch}: the JSON fallbacks and the download;</li>
 * <li>{@code tail}: the live Kafka tails' job side (and the feed's subscribers and byte
 *     pre-filter), the per-connection queue, the Kafka bridge for the window the database has not
 *     stored yet, the connection budget;</li>
 * <li>{@code history}: what PostgreSQL holds (snapshots, pages, counts);</li>
 * <li>{@code filter}: the validated query every endpoint shares;</li>
 * <li>{@code sse}: frame writing and the one connection loop;</li>
 * <li>{@code api}: 4xx/503 answers as JSON; {@code config}: settings.</li>
 * </ul>
 */
package io.quaero.gateway;
