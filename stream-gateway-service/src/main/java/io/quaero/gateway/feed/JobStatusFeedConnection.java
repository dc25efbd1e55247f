package io.quaero.gateway.feed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.quaero.access.Caller;
import io.quaero.access.Standing;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.sse.StreamLoop;
import io.quaero.gateway.hub.Batch;
import io.quaero.gateway.hub.Delivery;
import io.quaero.gateway.hub.Subscriber;

/**
 * One browser's jobs feed, run on the request's virtual thread through {@link StreamLoop}: the
 * status changes of each batch go out together, each as its own {@code status} event whose bytes
 * the tail rendered once and every feed connection copies ({@link Delivery#feedFrame()}).
 * Nothing here is per connection but the batch: no cursor, no counts, no resume; a page that
 * missed something (overflow, shutdown, a network error) fetches the list again when it reconnects.
 */
record JobStatusFeedConnection(Subscriber subscriber, SseWriter out, StreamProperties props, Standing standing, Caller caller)
    implements StreamLoop.Sink {

    /** The live feed until the connection ends. */
    Disconnect run() throws InterruptedException {
        try {
            return StreamLoop.run(subscriber, this, out, props, standing);
        } catch (IOException failed) {
            return SseWriter.cause(failed);
        }
    }

    @Override
    public boolean accept(Batch batch) throws IOException {
        List<byte[]> frames = new ArrayList<>(batch.size());
        for (Delivery d : batch.deliveries()) {
            // Only the changes of jobs this caller may see: their teams', every one for an admin.
            if (caller.sees(d.team())) {
                frames.add(d.feedFrame());
            }
        }
        if (frames.isEmpty()) {
            return false;
        }
        out.frames(frames);
        return !frames.isEmpty();
    }

    /** No cursor: the feed cannot be resumed, the page starts over (reconnects, fetches the list). */
    @Override
    public Disconnect reset(Disconnect reason) throws IOException {
        out.event(SseEvents.RESET, null, ResetPayload.of(reason, null));
        return reason;
    }
}
