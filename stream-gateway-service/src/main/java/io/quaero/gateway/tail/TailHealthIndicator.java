package io.quaero.gateway.tail;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** UP once the live tail reads every partition; a gateway that is not tailing serves stale streams. */
@Component("gatewayTail")
class TailHealthIndicator implements HealthIndicator {

    private final JobEventTail tail;
    private final Viewers viewers;

    TailHealthIndicator(JobEventTail tail, Viewers viewers) {
        this.tail = tail;
        this.viewers = viewers;
    }

    @Override
    public Health health() {
        var builder = tail.isTailing() ? Health.up() : Health.down();
        return builder.withDetail("connections", viewers.connectionCount()).build();
    }
}
