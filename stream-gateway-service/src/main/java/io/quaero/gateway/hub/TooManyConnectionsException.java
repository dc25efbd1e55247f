package io.quaero.gateway.hub;

/**
 * A stream refused by {@link Admission}: this instance serves {@code max-connections} streams
 * already (answered 503, try again shortly, perhaps elsewhere), or the caller's user or address
 * has as many open as allowed (answered 429).
 */
public final class TooManyConnectionsException extends RuntimeException {

    private final Admission.Limit limit;

    TooManyConnectionsException(Admission.Limit limit, int max, String who) {
        super(who + " has " + max + " streams open" + (limit == Admission.Limit.INSTANCE ? "" : " here")
            + ", the most allowed" + (limit == Admission.Limit.INSTANCE ? "; retry shortly" : "; close one (a tab) or retry later"));
        this.limit = limit;
    }

    /** Which budget ran out. */
    public Admission.Limit limit() {
        return limit;
    }
}
