package io.quaero.gateway.hub;

/** This instance serves {@code quaero.stream.max-connections} streams already; answered with 503. */
public final class TooManyConnectionsException extends RuntimeException {

    public TooManyConnectionsException(int max) {
        super("this gateway serves its maximum of " + max + " streams; retry shortly");
    }
}
