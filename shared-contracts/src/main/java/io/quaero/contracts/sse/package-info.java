/**
 * What browsers receive over Server-Sent Events: event names ({@link
 * io.quaero.contracts.sse.SseEvents}), payload records, and {@link io.quaero.contracts.sse.SseJson}
 * to render them as JSON and as complete SSE frames.
 *
 * <p>Payloads use snake_case names and leave out fields that are {@code null}, so the browser
 * code can rely on "absent means unknown". Timestamps are RFC 3339 strings in UTC. Unlike the
 * Kafka events these are plain data-bound records: the gateway is their only producer.
 */
@NullMarked
package io.quaero.contracts.sse;

import org.jspecify.annotations.NullMarked;
