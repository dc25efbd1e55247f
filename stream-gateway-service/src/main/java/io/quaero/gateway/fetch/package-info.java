/**
 * Job logs for clients that do not stream: {@code GET /api/jobs/{id}/logs} answers one page as
 * JSON (the same body as an SSE {@code logs} event, plus {@code next_cursor}) for the browser's
 * watchdog, "show earlier lines" and non-SSE clients; {@code GET /api/jobs/{id}/logs/download}
 * writes the whole filtered log as text. Parameters mean what they mean on the stream.
 */
package io.quaero.gateway.fetch;
