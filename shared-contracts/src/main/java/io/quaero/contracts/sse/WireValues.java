package io.quaero.contracts.sse;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The wire values a browser needs — event names and every {@link Disconnect} with what the client
 * does after it — rendered as the script {@code web-ui/pages/static/js/wire.js}, so the browser
 * library never spells a reason itself. The file is checked in (pages run without a build step)
 * and web-ui's {@code WireValuesFileTest} fails when it differs from {@link #javascript()}.
 */
public final class WireValues {

    private WireValues() {
    }

    /** The whole of {@code wire.js}. */
    public static String javascript() {
        String disconnects = Arrays.stream(Disconnect.values())
            .map(d -> "        '%s': Object.freeze({ notice: '%s', reconnect: '%s', minDelayMs: %d, maxDelayMs: %d%s }),".formatted(
                d.wireName(), lower(d.notice()), lower(d.reconnect()), d.minDelay().toMillis(), d.maxDelay().toMillis(),
                // A message is plain text without quotes or backslashes (Disconnect checks it): safe in '...'.
                d.message() == null ? "" : ", message: '" + d.message() + "'"))
            .collect(Collectors.joining("\n"));
        return """
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
                events: Object.freeze({ logs: '%s', status: '%s', ping: '%s', reset: '%s' }),
                disconnects: Object.freeze({
            %s
                }),
            });

            if (typeof module !== 'undefined' && module.exports) {
                module.exports = QuaeroWire;
            }
            """.formatted(SseEvents.LOGS, SseEvents.STATUS, SseEvents.PING, SseEvents.RESET, disconnects);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase().replace('_', '-');
    }
}
