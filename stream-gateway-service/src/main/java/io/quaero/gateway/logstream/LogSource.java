package io.quaero.gateway.logstream;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.gateway.hub.Delivery;
import io.quaero.masking.MaskValue;

/** What a {@link LogSession} needs to know of the log it streams: a job's, or the services'. */
interface LogSource {

    /** The {@code status} event's payload as it stands. */
    StatusPayload status();

    /**
     * Takes a status change in (only a job's log has them).
     *
     * @param copy true when ingest copied it to the job's partition from another ({@link Delivery#copy()})
     */
    void merge(StatusEvent change, boolean copy);

    /** The line number of a new live line, the previous one being {@code lastLine}: ingest's rule, so stream and database agree. */
    long lineOf(Delivery d, long lastLine);

    /** True when storage refused the event at {@code cursor} after the tail passed it: it has no line. */
    boolean refused(Cursor cursor);

    /** A live line's text as stored: masked as ingest masks it (module masking). */
    String text(Delivery line);

    /** The job's worker declared a value secret: it is masked in every later line (only a job's log has them). */
    void declare(MaskValue value);
}
