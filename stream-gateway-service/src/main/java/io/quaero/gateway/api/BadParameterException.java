package io.quaero.gateway.api;

/** A request parameter that is malformed or out of range; answered with 400 naming it. */
public final class BadParameterException extends RuntimeException {

    private final String parameter;

    public BadParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
