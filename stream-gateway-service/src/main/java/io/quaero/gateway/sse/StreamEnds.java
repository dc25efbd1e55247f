package io.quaero.gateway.sse;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.sse.Disconnect;
import org.springframework.stereotype.Component;

/**
 * Counts how streams end, by kind of stream and {@link Disconnect} (metric
 * {@code quaero.gateway.stream.ends}): overflows, write timeouts and refused resumes are what an
 * operator looks at when clients keep reconnecting.
 */
@Component
public class StreamEnds {

    /** The kinds of stream, as the metric's {@code stream} tag; {@code SHARED}: a browser's one connection for all its channels. */
    public enum Stream { JOB, SERVICE, FEED, SHARED }

    private final Map<Stream, Map<Disconnect, Counter>> counters = new EnumMap<>(Stream.class);

    StreamEnds(MeterRegistry registry) {
        for (Stream stream : Stream.values()) {
            Map<Disconnect, Counter> byReason = new EnumMap<>(Disconnect.class);
            for (Disconnect reason : Disconnect.values()) {
                byReason.put(reason, Counter.builder("quaero.gateway.stream.ends")
                    .description("streams that ended, by why")
                    .tag("stream", stream.name().toLowerCase())
                    .tag("reason", reason.wireName())
                    .register(registry));
            }
            counters.put(stream, byReason);
        }
    }

    public void record(Stream stream, Disconnect end) {
        counters.get(stream).get(end).increment();
    }

    /** Streams of this kind that ended this way since start. */
    public long count(Stream stream, Disconnect end) {
        return (long) counters.get(stream).get(end).count();
    }
}
