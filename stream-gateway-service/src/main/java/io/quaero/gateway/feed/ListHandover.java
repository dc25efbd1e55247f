package io.quaero.gateway.feed;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.history.StoredOffsets;
import io.quaero.gateway.hub.Channels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Holds a new feed connection back, before its response starts, until the database stores every
 * job event the tail may have passed before the connection subscribed.
 *
 * <p>Why. A page opens the feed, then fetches the jobs list (read from the database). A status
 * event the tail passed just before the subscription is not on the stream; if ingest (a separate
 * consumer, usually well under a second behind) had not stored it yet either, the list would miss
 * it too and the page would show an old status until the job changed again. So: after
 * subscribing, take where the tail was in each partition when the feed registered (its
 * {@code liveFrom}: every later change comes on the stream), and let the response (and with it the
 * browser's {@code open} event) start only once {@code ingest_progress} is past those offsets. From
 * then on every change is in the list the page fetches, or on the stream, or both (applying a
 * change twice is harmless: the later one wins).
 *
 * <p>Bounded: at most {@code feed-handover-wait} (3 s), polling with growing pauses (one small
 * query each, so a crowd of pages arriving at once costs a few queries each). When ingest is
 * further behind (down, or the database is), the stream opens anyway: live changes still flow,
 * and the list is stale for every page alike until ingest catches up.
 */
@Component
class ListHandover {

    private static final Logger log = LoggerFactory.getLogger(ListHandover.class);

    private static final long FIRST_PAUSE_MS = 10;
    private static final long MAX_PAUSE_MS = 250;

    private final StoredOffsets stored;
    /** Longest a connection waits for ingest before its stream starts anyway. */
    private final Duration maxWait;

    ListHandover(StoredOffsets stored, StreamProperties props) {
        this.stored = stored;
        this.maxWait = props.feedHandoverWait();
    }

    /**
     * Waits until everything the tail passed before the feed registered is stored. Call after subscribing.
     *
     * @param liveFrom where the tail was, per partition, when the feed registered
     * @param abandon  true when the connection is ending anyway (shutdown): stop waiting
     * @return false when the wait ended without that guarantee
     */
    boolean awaitStored(long[] liveFrom, BooleanSupplier abandon) throws InterruptedException {
        if (maxWait.isZero()) {
            return false;
        }
        if (liveFrom.length == 0 || Arrays.stream(liveFrom).anyMatch(p -> p == Channels.NOT_TAILED)) {
            // The tail did not read every partition in time: the subscription is ended (busy) and
            // its client comes back; nothing to hand over.
            return false;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        long pause = FIRST_PAUSE_MS;
        while (!abandon.getAsBoolean()) {
            try {
                if (storedUpTo(liveFrom)) {
                    return true;
                }
            } catch (DataAccessException e) {
                // The page cannot fetch its list either; waiting would only hold the slot.
                log.debug("job status feed opens without the list handover: {}", e.getMessage());
                return false;
            }
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                log.debug("job status feed opens without the list handover: ingest is more than {} behind", maxWait);
                return false;
            }
            Thread.sleep(Math.min(pause, leftMs));
            pause = Math.min(pause * 2, MAX_PAUSE_MS);
        }
        return false;
    }

    private boolean storedUpTo(long[] passed) {
        long[] upTo = stored.storedUpTo(passed.length);
        for (int p = 0; p < passed.length; p++) {
            if (upTo[p] < passed[p]) {
                return false;
            }
        }
        return true;
    }
}
