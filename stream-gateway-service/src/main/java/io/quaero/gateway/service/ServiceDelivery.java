package io.quaero.gateway.service;

import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.SseJson;

/**
 * One decoded service log handed to the service streams, with its offset (the topic has one
 * partition). Its entry JSON is made once, by the first connection that sends it, and shared by
 * every other panel (every page has one), as a job event's is ({@code tail.Delivery}).
 */
final class ServiceDelivery {

    private final ServiceLogEvent event;
    private final long offset;
    private volatile SseJson.PreparedEntry entry;

    ServiceDelivery(ServiceLogEvent event, long offset) {
        this.event = event;
        this.offset = offset;
    }

    /** Roughly the bytes this delivery holds (see {@code tail.Delivery#weightBytes}). */
    int weightBytes() {
        return 512 + 4 * (event.message().length() + event.service().length() + event.instance().length());
    }

    ServiceLogEvent event() {
        return event;
    }

    long offset() {
        return offset;
    }

    /** The entry of a {@code logs} event; its line is its position in the topic. */
    SseJson.PreparedEntry entry() {
        SseJson.PreparedEntry e = entry;
        if (e == null) {
            LogEntry le = ServiceHistory.entry(event.eventId().toString(), offset, event.timestamp(), event.level(),
                event.message(), event.service(), event.instance());
            e = new SseJson.PreparedEntry(le.line(), SseJson.logEntryWithoutLine(le));
            entry = e;
        }
        return e;
    }
}
