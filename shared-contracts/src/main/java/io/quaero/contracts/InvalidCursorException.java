package io.quaero.contracts;

import java.io.Serial;
import org.jspecify.annotations.Nullable;

/** A cursor string from a client (query parameter, {@code Last-Event-ID}) that is not a {@link Cursor}. */
public final class InvalidCursorException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final @Nullable String value;

    InvalidCursorException(@Nullable String value, String reason) {
        super("invalid cursor " + Quote.of(value) + ": " + reason);
        this.value = value;
    }

    /** The rejected input, as received ({@code null} if there was none). */
    public @Nullable String value() {
        return value;
    }
}
