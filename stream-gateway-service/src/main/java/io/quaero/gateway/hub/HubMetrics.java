package io.quaero.gateway.hub;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Gauge {@code quaero.gateway.streams.open}: streams open on this instance, of every kind, against {@code max-connections}. */
@Component
class HubMetrics {

    HubMetrics(Hub hub, MeterRegistry registry) {
        Gauge.builder("quaero.gateway.streams.open", hub, Hub::connectionCount)
            .description("streams open on this gateway (a browser's shared connection counts once)")
            .register(registry);
    }
}
