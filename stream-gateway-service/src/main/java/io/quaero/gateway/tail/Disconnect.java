package io.quaero.gateway.tail;

import io.quaero.contracts.sse.ResetReason;
import org.jspecify.annotations.Nullable;

/** Why a connection's loop ended, and the {@code reset} the client is sent for it, if any. */
public enum Disconnect {
    /** A write failed: the browser went away. */
    CLIENT_GONE(null),
    /** The connection's queue overflowed; the client was told to resume from its cursor. */
    OVERFLOW(ResetReason.OVERFLOW),
    /** The live tail restarted after a failure; the client was told to resume from its cursor. */
    TAIL_RESTARTED(ResetReason.TAIL_RESTARTED),
    /**
     * Storage refused a record this connection had already shown live; the client was told to
     * start over, so its line numbers are the stored ones again.
     */
    RECORD_REJECTED(ResetReason.RECORD_REJECTED),
    /** A resume could not be served exactly (too far behind, expired, busy); the client was told to reset. */
    TOO_FAR_BEHIND(null),
    /** This gateway is shutting down; the client was told to reconnect (elsewhere). */
    SHUTDOWN(null);

    private final @Nullable ResetReason reset;

    Disconnect(@Nullable ResetReason reset) {
        this.reset = reset;
    }

    /** The reset the connection loop sends when a subscription ends this way; null when it sends none itself. */
    public @Nullable ResetReason reset() {
        return reset;
    }
}
