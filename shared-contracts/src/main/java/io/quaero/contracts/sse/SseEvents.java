package io.quaero.contracts.sse;

/** The SSE {@code event:} names the gateway sends; browsers subscribe to each with {@code addEventListener}. */
public final class SseEvents {

    /** A batch of log lines: {@link LogsPayload}. */
    public static final String LOGS = "logs";

    /** Job, step or service state: {@link StatusPayload}. */
    public static final String STATUS = "status";

    /** Keep-alive so proxies do not time the connection out: {@link PingPayload}. */
    public static final String PING = "ping";

    /** The server is closing the stream; reconnect from the given cursor: {@link ResetPayload}. */
    public static final String RESET = "reset";

    private SseEvents() {}
}
