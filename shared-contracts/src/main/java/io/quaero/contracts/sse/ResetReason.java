package io.quaero.contracts.sse;

/**
 * Why the gateway ended a stream with a {@value SseEvents#RESET} event, and what the client does
 * next: resume from the payload's cursor, or start over (the payload then has no cursor). The
 * whole client contract for a deliberate close is this one type (as Centrifuge's
 * {@code disconnect.go} is for its protocol); the browser library mirrors the "starts over" set.
 */
public enum ResetReason {

    /** The connection's queue filled faster than the client read it: resume from the cursor. */
    OVERFLOW("overflow", false),
    /** No Kafka bridge was free in time to close the gap to the live tail: resume from the cursor. */
    BUSY("busy", false),
    /** The gateway's live tail restarted, so live events may have passed by: resume from the cursor. */
    TAIL_RESTARTED("tail-restarted", false),
    /** The resume point is further behind than a replay may go: start over from the newest lines. */
    TOO_FAR_BEHIND("too-far-behind", true),
    /** Retention (Kafka's or the database's) dropped what follows the cursor: start over. */
    CURSOR_EXPIRED("cursor-expired", true),
    /**
     * The cursor names no place in this job's log: past the end of it (a recreated topic), or in
     * another partition than the job's: start over.
     */
    UNKNOWN_CURSOR("unknown-cursor", true),
    /**
     * A record the stream already numbered and showed live was then refused by storage (it is in
     * the dead-letter topic): every later line number shifts, so start over from stored history.
     */
    RECORD_REJECTED("record-rejected", true);

    private final String wireName;
    private final boolean startsOver;

    ResetReason(String wireName, boolean startsOver) {
        this.wireName = wireName;
        this.startsOver = startsOver;
    }

    /** The {@code reason} value on the wire. */
    public String wireName() {
        return wireName;
    }

    /** True when the client must drop what it has and start again; the payload then carries no cursor. */
    public boolean startsOver() {
        return startsOver;
    }
}
