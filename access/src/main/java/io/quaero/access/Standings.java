package io.quaero.access;

import org.jspecify.annotations.Nullable;

/** Where a stream asks for its request's {@link Standing} (a bean: the checks need the database and the keys). */
public final class Standings {

    private final @Nullable Directory directory;
    private final SessionTokens tokens;

    Standings(@Nullable Directory directory, SessionTokens tokens) {
        this.directory = directory;
        this.tokens = tokens;
    }

    /** The standing of the current request's credential; call on the request's thread. */
    public Standing current() {
        return Standing.current(directory, tokens);
    }
}
