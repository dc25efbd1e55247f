package io.quaero.contracts.sse;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Every way a stream ends, what the client is told, and whether and when it comes back — the
 * whole client contract for a close, in one type (as Centrifuge's {@code disconnect.go} is for its
 * protocol). The server records each end under this name; the browser library reads the same
 * names from {@code js/wire.js}, generated from this enum ({@link WireValues}).
 */
public enum Disconnect {

    /** The connection's queue filled faster than the client read it: resume from the cursor. */
    OVERFLOW("overflow", Notice.RESET, Reconnect.RESUME, Duration.ZERO, Duration.ZERO),
    /**
     * No Kafka bridge was free in time to close the gap to the live tail: resume from the cursor,
     * after a short spread-out pause so the bridges are not asked again all at once.
     */
    BUSY("busy", Notice.RESET, Reconnect.RESUME, Duration.ofMillis(500), Duration.ofSeconds(2)),
    /** The gateway's live tail restarted, so live events may have passed by: resume from the cursor. */
    TAIL_RESTARTED("tail-restarted", Notice.RESET, Reconnect.RESUME, Duration.ZERO, Duration.ZERO),
    /** The resume point is further behind than a replay may go: start over from the newest lines. */
    TOO_FAR_BEHIND("too-far-behind", Notice.RESET, Reconnect.START_OVER, Duration.ZERO, Duration.ZERO),
    /** Retention (Kafka's or the database's) dropped what follows the cursor: start over. */
    CURSOR_EXPIRED("cursor-expired", Notice.RESET, Reconnect.START_OVER, Duration.ZERO, Duration.ZERO),
    /**
     * The cursor names no place in this job's log: past the end of it (a recreated topic), or in
     * another partition than the job's: start over.
     */
    UNKNOWN_CURSOR("unknown-cursor", Notice.RESET, Reconnect.START_OVER, Duration.ZERO, Duration.ZERO),
    /**
     * A record the stream already numbered and showed live was then refused by storage (it is in
     * the dead-letter topic): every later line number shifts, so start over from stored history.
     */
    RECORD_REJECTED("record-rejected", Notice.RESET, Reconnect.START_OVER, Duration.ZERO, Duration.ZERO),
    /**
     * An admin deleted the job's logs, some of which this stream has shown: drop them and start
     * over from what is left (the page says so). After a short pause, so that a client arriving
     * while ingest still stores the deleted lines does not come back at once to the same reset.
     */
    LOGS_DELETED("logs-deleted", Notice.RESET, Reconnect.START_OVER, Duration.ofSeconds(1), Duration.ofSeconds(2),
        "Logs deleted by an admin"),
    /**
     * Another channel of the browser's shared connection had to end it (an admin deleted that
     * channel's job's logs): this channel lost nothing and resumes from its cursor.
     */
    SHARED_CONNECTION_ENDED("shared-connection-ended", Notice.RESET, Reconnect.RESUME, Duration.ZERO, Duration.ZERO),
    /**
     * A channel of a browser's shared connection names a job that does not exist: that channel
     * ends (the others go on); reconnecting would not change it.
     */
    UNKNOWN_JOB("unknown-job", Notice.RESET, Reconnect.NEVER, Duration.ZERO, Duration.ZERO),
    /**
     * A channel of a browser's shared connection asks for what the caller's role does not allow
     * (the service logs are for admins): that channel ends, the others go on.
     */
    NOT_ALLOWED("not-allowed", Notice.RESET, Reconnect.NEVER, Duration.ZERO, Duration.ZERO),
    /**
     * A channel of a browser's shared connection asks for more than a request may read: the
     * database cancelled the query that opens it (its statement timeout). That channel ends, the
     * others go on; asking again would fail the same way (a stream of its own is refused with 422
     * {@code query_too_costly} naming the parameter to narrow).
     */
    QUERY_TOO_COSTLY("query-too-costly", Notice.RESET, Reconnect.NEVER, Duration.ZERO, Duration.ZERO),
    /**
     * This gateway is shutting down: the stream ends with a {@code retry:} of a random 1-5 s and
     * EventSource comes back by itself (with {@code Last-Event-ID}), spread over the other instances
     * instead of all at once.
     */
    SHUTDOWN("shutdown", Notice.RETRY, Reconnect.RESUME, Duration.ofSeconds(1), Duration.ofSeconds(5)),
    /**
     * The session the stream was opened with is about to end and can be renewed: reconnect at once
     * from the cursor; the new request renews the session cookie.
     */
    SESSION_RENEW("session-renew", Notice.RESET, Reconnect.RESUME, Duration.ZERO, Duration.ZERO),
    /**
     * The credential the stream was opened with no longer holds: the session ended (its maximum
     * length, sign-out, a new password, a disabled user) or the API token expired or was revoked.
     * Reconnecting would be refused: the page sends its user to sign in again, and back.
     */
    SIGNED_OUT("signed-out", Notice.RESET, Reconnect.SIGN_IN, Duration.ZERO, Duration.ZERO),
    /** The socket did not take a write within the write deadline: the client stopped reading. */
    WRITE_TIMEOUT("write-timeout", Notice.NONE, Reconnect.RESUME, Duration.ZERO, Duration.ZERO),
    /** A write failed: the client went away. If it comes back, it resumes from its cursor. */
    CLIENT_GONE("client-gone", Notice.NONE, Reconnect.RESUME, Duration.ZERO, Duration.ZERO);

    /** How the client learns of the end. */
    public enum Notice {
        /** A {@value SseEvents#RESET} event, the stream's last, with {@link ResetPayload}. */
        RESET,
        /** A {@code retry:} field and the end of the response: EventSource reconnects by itself. */
        RETRY,
        /** Nothing can be written any more; the client's own transport notices the close. */
        NONE
    }

    /** What the client does next. */
    public enum Reconnect {
        /** Reconnect from its cursor: nothing is lost or repeated. */
        RESUME,
        /** Drop what it shows and start again from the newest lines (the reset carries no cursor). */
        START_OVER,
        /** Do not come back: what was asked for does not exist (or is not the caller's). */
        NEVER,
        /** Do not come back until the user has signed in again (the page sends them to sign in). */
        SIGN_IN
    }

    private final String wireName;
    private final Notice notice;
    private final Reconnect reconnect;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final @Nullable String message;

    Disconnect(String wireName, Notice notice, Reconnect reconnect, Duration minDelay, Duration maxDelay) {
        this(wireName, notice, reconnect, minDelay, maxDelay, null);
    }

    Disconnect(String wireName, Notice notice, Reconnect reconnect, Duration minDelay, Duration maxDelay,
               @Nullable String message) {
        this.wireName = wireName;
        this.notice = notice;
        this.reconnect = reconnect;
        this.minDelay = minDelay;
        this.maxDelay = maxDelay;
        if (message != null && (message.indexOf('\'') >= 0 || message.indexOf('\\') >= 0)) {
            throw new IllegalArgumentException("a message goes into wire.js between single quotes: " + message);
        }
        this.message = message;
    }

    /** The {@code reason} value on the wire (and in the server's logs and metrics). */
    public String wireName() {
        return wireName;
    }

    public Notice notice() {
        return notice;
    }

    public Reconnect reconnect() {
        return reconnect;
    }

    /** True when the client cannot resume from its cursor (it starts over, or stops); a reset then carries no cursor. */
    public boolean startsOver() {
        return reconnect != Reconnect.RESUME;
    }

    /** The client waits a random time between this and {@link #maxDelay()} before it reconnects. */
    public Duration minDelay() {
        return minDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    /** What the page tells its user when the stream ends this way (null: nothing, the reconnect is silent). */
    public @Nullable String message() {
        return message;
    }
}
