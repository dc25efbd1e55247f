package io.quaero.gateway.tail;

/** Why a connection's loop ended. */
public enum Disconnect {
    /** A write failed: the browser went away. */
    CLIENT_GONE,
    /** The connection's queue overflowed; the client was told to resume from its cursor. */
    OVERFLOW,
    /** A resume was further behind than the replay limit; the client was told to reset. */
    TOO_FAR_BEHIND,
    /** This gateway is shutting down; the client was told to reconnect (elsewhere). */
    SHUTDOWN
}
