package io.quaero.bench;

import java.nio.charset.StandardCharsets;

/**
 * A minimal streaming {@code text/event-stream} parser for the benchmark's clients: it works on
 * the bytes as they arrive, never builds a line or a frame, and from the {@code data} of
 * {@code logs} events takes only each entry's {@code "timestamp":"…"} value.
 *
 * <p>Why not {@link io.quaero.contracts.sse.SseReader} and Jackson: at the full load 1,000 clients
 * receive ~1,000,000 entries (~300 MB) a second on the same cores as the gateway; decoding that
 * to Strings and records would measure the client, not the gateway. The price is two
 * assumptions, both true of {@code SseJson.frame}: {@code event:} comes before {@code data:} in a
 * frame, and the JSON has one {@code "timestamp"} key per entry (inside a JSON string a quote is
 * escaped, so a message cannot fake the key).
 */
final class GatewaySseScanner {

    /** What the scanner reports; called on the reading thread. */
    interface Listener {

        /** One log entry of a {@code logs} event; both times in epoch microseconds. */
        void onEntry(long publishedMicros, long receivedMicros);

        /**
         * A complete frame was dispatched (blank line); {@code id} is null when it had none;
         * {@code data} is given for {@code reset} frames only (their reason), else null.
         */
        void onFrame(Event event, String id, String data);
    }

    enum Event { LOGS, STATUS, PING, RESET, OTHER }

    private static final byte[] KEY = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);

    private enum State { LINE_START, NAME, VALUE, DATA, TIMESTAMP, SKIP_LINE }

    private enum Field { EVENT, ID, DATA, OTHER }

    private final Listener listener;
    private final byte[] name = new byte[16];
    private final byte[] value = new byte[128];
    private final byte[] timestamp = new byte[40];
    private State state = State.LINE_START;
    private Field field;
    private int nameLength;
    private int valueLength;
    private int timestampLength;
    private boolean skipSpace;
    /** How many bytes of {@link #KEY} the bytes just seen match. */
    private int keyMatched;
    private boolean frameHasFields;
    private Event frameEvent;
    private String frameId;
    /** The first 128 bytes of a reset frame's data: small, and only resets keep it. */
    private String frameData;

    GatewaySseScanner(Listener listener) {
        this.listener = listener;
    }

    /** Parses {@code length} bytes, all received at {@code receivedMicros}. */
    void feed(byte[] buffer, int length, long receivedMicros) {
        int i = 0;
        while (i < length) {
            if (state == State.DATA) {
                i = scanData(buffer, i, length, receivedMicros);
                continue;
            }
            byte b = buffer[i++];
            if (b == '\r') {
                // The gateway ends lines with LF; a CR before it is tolerated, not a line end.
                continue;
            }
            switch (state) {
                case LINE_START -> startLine(b);
                case NAME -> name(b);
                case VALUE -> value(b);
                case TIMESTAMP -> timestamp(b, receivedMicros);
                case SKIP_LINE -> {
                    if (b == '\n') {
                        state = State.LINE_START;
                    }
                }
                case DATA -> throw new AssertionError("handled above");
            }
        }
    }

    private void startLine(byte b) {
        if (b == '\n') {
            dispatch();
        } else if (b == ':') {
            state = State.SKIP_LINE;
        } else {
            nameLength = 0;
            name[nameLength++] = b;
            state = State.NAME;
        }
    }

    private void name(byte b) {
        if (b == ':' || b == '\n') {
            field = field();
            frameHasFields = true;
            skipSpace = true;
            valueLength = 0;
            if (b == '\n') {
                endValue();
            } else {
                state = switch (field) {
                    case EVENT, ID -> State.VALUE;
                    case DATA -> frameEvent == Event.LOGS ? State.DATA
                        : frameEvent == Event.RESET ? State.VALUE : State.SKIP_LINE;
                    case OTHER -> State.SKIP_LINE;
                };
                keyMatched = 0;
            }
        } else if (nameLength < name.length) {
            name[nameLength++] = b;
        }
    }

    private void value(byte b) {
        if (skipSpace) {
            skipSpace = false;
            if (b == ' ') {
                return;
            }
        }
        if (b == '\n') {
            endValue();
        } else if (valueLength < value.length) {
            value[valueLength++] = b;
        }
    }

    private void endValue() {
        switch (field) {
            case EVENT -> frameEvent = event();
            case ID -> frameId = new String(value, 0, valueLength, StandardCharsets.UTF_8);
            case DATA -> frameData = new String(value, 0, valueLength, StandardCharsets.UTF_8);
            case OTHER -> {
                // an unknown field: nothing to keep
            }
        }
        state = State.LINE_START;
    }

    /**
     * The hot loop: most bytes of a data line are neither a quote nor a line end, so those two
     * comparisons are all they cost.
     */
    private int scanData(byte[] buffer, int from, int length, long receivedMicros) {
        int matched = keyMatched;
        for (int i = from; i < length; i++) {
            byte b = buffer[i];
            if (b == '\n') {
                keyMatched = 0;
                state = State.LINE_START;
                return i + 1;
            }
            if (b == KEY[matched]) {
                if (++matched == KEY.length) {
                    keyMatched = 0;
                    timestampLength = 0;
                    state = State.TIMESTAMP;
                    return i + 1;
                }
            } else {
                // The key's only border is its leading quote.
                matched = b == '"' ? 1 : 0;
            }
        }
        keyMatched = matched;
        return length;
    }

    private void timestamp(byte b, long receivedMicros) {
        if (b == '"') {
            long publishedMicros = GatewayTimestamps.epochMicros(timestamp, 0, timestampLength);
            if (publishedMicros != GatewayTimestamps.INVALID) {
                listener.onEntry(publishedMicros, receivedMicros);
            }
            state = State.DATA;
        } else if (b == '\n') {
            state = State.LINE_START;
        } else if (timestampLength < timestamp.length) {
            timestamp[timestampLength++] = b;
        }
    }

    private void dispatch() {
        if (frameHasFields) {
            listener.onFrame(frameEvent == null ? Event.OTHER : frameEvent, frameId, frameData);
        }
        frameHasFields = false;
        frameEvent = null;
        frameId = null;
        frameData = null;
    }

    private Field field() {
        if (is(name, nameLength, "data")) {
            return Field.DATA;
        }
        if (is(name, nameLength, "event")) {
            return Field.EVENT;
        }
        return is(name, nameLength, "id") ? Field.ID : Field.OTHER;
    }

    private Event event() {
        if (is(value, valueLength, "logs")) {
            return Event.LOGS;
        }
        if (is(value, valueLength, "ping")) {
            return Event.PING;
        }
        if (is(value, valueLength, "status")) {
            return Event.STATUS;
        }
        return is(value, valueLength, "reset") ? Event.RESET : Event.OTHER;
    }

    private static boolean is(byte[] bytes, int length, String ascii) {
        if (length != ascii.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (bytes[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
