/**
 * Wire values shared with the server, generated from shared-contracts (io.quaero.contracts.sse.WireValues):
 * do not edit; web-ui's WireValuesFileTest says how to regenerate it.
 *  - events: the SSE event names;
 *  - disconnects: every reason a stream ends, by its wire name: how the client hears of it
 *    (notice: reset event, retry field, or none), what it does next (reconnect: resume from its
 *    cursor, or start-over from the newest lines) and after how long (a random delay between
 *    minDelayMs and maxDelayMs), and what the page tells its user (message), when it tells anything.
 */
const QuaeroWire = Object.freeze({
    events: Object.freeze({ logs: 'logs', status: 'status', ping: 'ping', reset: 'reset' }),
    disconnects: Object.freeze({
        'overflow': Object.freeze({ notice: 'reset', reconnect: 'resume', minDelayMs: 0, maxDelayMs: 0 }),
        'busy': Object.freeze({ notice: 'reset', reconnect: 'resume', minDelayMs: 500, maxDelayMs: 2000 }),
        'tail-restarted': Object.freeze({ notice: 'reset', reconnect: 'resume', minDelayMs: 0, maxDelayMs: 0 }),
        'too-far-behind': Object.freeze({ notice: 'reset', reconnect: 'start-over', minDelayMs: 0, maxDelayMs: 0 }),
        'cursor-expired': Object.freeze({ notice: 'reset', reconnect: 'start-over', minDelayMs: 0, maxDelayMs: 0 }),
        'unknown-cursor': Object.freeze({ notice: 'reset', reconnect: 'start-over', minDelayMs: 0, maxDelayMs: 0 }),
        'record-rejected': Object.freeze({ notice: 'reset', reconnect: 'start-over', minDelayMs: 0, maxDelayMs: 0 }),
        'logs-deleted': Object.freeze({ notice: 'reset', reconnect: 'start-over', minDelayMs: 1000, maxDelayMs: 2000, message: 'Logs deleted by an admin' }),
        'shared-connection-ended': Object.freeze({ notice: 'reset', reconnect: 'resume', minDelayMs: 0, maxDelayMs: 0 }),
        'unknown-job': Object.freeze({ notice: 'reset', reconnect: 'never', minDelayMs: 0, maxDelayMs: 0 }),
        'not-allowed': Object.freeze({ notice: 'reset', reconnect: 'never', minDelayMs: 0, maxDelayMs: 0 }),
        'query-too-costly': Object.freeze({ notice: 'reset', reconnect: 'never', minDelayMs: 0, maxDelayMs: 0 }),
        'shutdown': Object.freeze({ notice: 'retry', reconnect: 'resume', minDelayMs: 1000, maxDelayMs: 5000 }),
        'session-renew': Object.freeze({ notice: 'reset', reconnect: 'resume', minDelayMs: 0, maxDelayMs: 0 }),
        'signed-out': Object.freeze({ notice: 'reset', reconnect: 'sign-in', minDelayMs: 0, maxDelayMs: 0 }),
        'write-timeout': Object.freeze({ notice: 'none', reconnect: 'resume', minDelayMs: 0, maxDelayMs: 0 }),
        'client-gone': Object.freeze({ notice: 'none', reconnect: 'resume', minDelayMs: 0, maxDelayMs: 0 }),
    }),
});

if (typeof module !== 'undefined' && module.exports) {
    module.exports = QuaeroWire;
}
