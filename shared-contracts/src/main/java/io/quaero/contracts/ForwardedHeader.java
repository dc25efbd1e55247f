package io.quaero.contracts;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The header ingest puts on a job event it copied from another partition of {@link
 * Topics#JOB_EVENTS} to the job's own (see {@link Topics#JOB_EVENTS}): the {@link Cursor} of the
 * original, UTF-8, e.g. {@code "4-1729"}. Only a copy carries it; a copy is never copied again.
 */
public final class ForwardedHeader {

    /** The header's name. */
    public static final String NAME = "quaero-forwarded-from";

    private ForwardedHeader() {}

    /** The header's value for an original at {@code from}. */
    public static byte[] value(Cursor from) {
        return from.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Where the record was copied from, or null if it is an original (or the header is not ours). */
    public static @Nullable Cursor from(Headers headers) {
        Header h = headers.lastHeader(NAME);
        if (h == null || h.value() == null) {
            return null;
        }
        try {
            return Cursor.parse(new String(h.value(), StandardCharsets.UTF_8));
        } catch (InvalidCursorException e) {
            return null;
        }
    }
}
