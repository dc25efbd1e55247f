package io.quaero.gateway.logstream;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.hub.Batch;
import io.quaero.gateway.hub.Channel;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.sse.StreamLoop;
import org.jspecify.annotations.Nullable;

/** The connection's channels: routes each batch to its channel's session and keeps the composite id. */
final class Taps implements StreamLoop.Sink {

    private final SseWriter out;
    private final Map<Channel, LogSession> byChannel = new LinkedHashMap<>();
    private final Map<String, LogSession> byId = new LinkedHashMap<>();

    Taps(SseWriter out) {
        this.out = out;
    }

    void add(Channel channel, String id, LogSession session) {
        byChannel.put(channel, session);
        byId.put(id, session);
    }

    /**
     * Opens every channel (status, backlog, bridge). The first that sends a reset ends the
     * connection; the others are where the composite id says, and resume from there.
     */
    @Nullable Disconnect open(List<Opening> openings) throws IOException, InterruptedException {
        int i = 0;
        for (LogSession session : byId.values()) {
            Disconnect refused = session.open(openings.get(i++));
            if (refused != null) {
                markPosition();
                return refused;
            }
        }
        markPosition();
        return null;
    }

    @Override
    public boolean accept(Batch batch) throws IOException {
        LogSession session = byChannel.get(batch.channel());
        if (session == null || !session.accept(batch)) {
            return false;
        }
        markPosition();
        return true;
    }

    /** Every channel is told to resume from its cursor (or start over), then the connection ends. */
    @Override
    public Disconnect reset(Disconnect reason) throws IOException {
        for (LogSession session : byId.values()) {
            session.reset(reason);
        }
        return reason;
    }

    private void markPosition() throws IOException {
        Map<String, String> cursors = new LinkedHashMap<>();
        byId.forEach((id, session) -> cursors.put(id, session.lastSentCursor()));
        out.lastEventId(ChannelRequest.compositeId(cursors));
    }
}
