package io.quaero.gateway.logstream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.hub.Batch;
import io.quaero.gateway.hub.Channel;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.sse.StreamLoop;
import org.jspecify.annotations.Nullable;

/**
 * The shared connection's channels: routes each batch to the sessions of its channel (two tabs may
 * watch the same log, each with its own channel) and keeps the connection's id.
 */
final class Taps implements StreamLoop.Sink {

    private final SseWriter out;
    private final Map<Channel, List<LogSession>> byChannel = new LinkedHashMap<>();
    private final Map<String, LogSession> byId = new LinkedHashMap<>();

    Taps(SseWriter out) {
        this.out = out;
    }

    void add(Channel channel, String id, LogSession session) {
        byChannel.computeIfAbsent(channel, c -> new ArrayList<>()).add(session);
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
        boolean wrote = false;
        for (LogSession session : byChannel.getOrDefault(batch.channel(), List.of())) {
            wrote |= session.accept(batch);
        }
        if (wrote) {
            markPosition();
        }
        return wrote;
    }

    /**
     * Every channel is told to resume from its cursor (or start over), then the connection ends. An
     * admin's deletion of one job's logs ends the connection for that job's channels; the others
     * lost nothing and are told only that the connection ended (they resume, their pages say nothing).
     */
    @Override
    public Disconnect reset(Disconnect reason) throws IOException {
        for (LogSession session : byId.values()) {
            session.reset(reason == Disconnect.LOGS_DELETED && !session.metDeletion() ? Disconnect.SHARED_CONNECTION_ENDED : reason);
        }
        return reason;
    }

    private void markPosition() throws IOException {
        Map<String, String> cursors = new LinkedHashMap<>();
        byId.forEach((id, session) -> cursors.put(id, session.lastSentCursor()));
        out.lastEventId(ChannelRequest.compositeId(cursors));
    }
}
