package io.quaero.gateway.logstream;

import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.ServiceView;
import io.quaero.gateway.api.BadParameterException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.history.ServiceHistory;
import io.quaero.gateway.hub.Delivery;
import io.quaero.gateway.hub.Hub;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.gateway.hub.KafkaBridge;
import io.quaero.gateway.hub.LiveRules;
import io.quaero.gateway.hub.ServiceLogTail;
import io.quaero.masking.PatternHistory;
import org.springframework.stereotype.Component;

/**
 * How the service-log stream starts, wherever it is served: its {@code status} (instances that
 * logged in the last {@value ServiceHistory#INSTANCE_WINDOW_MINUTES} minutes, Kafka and database
 * health, the streams this instance serves), the newest matching lines, and the bridge to the tail.
 */
@Component
class ServiceStreams {

    private final Hub hub;
    private final ServiceLogTail tail;
    private final JobEventTail jobTail;
    private final ServiceHistory history;
    private final StreamProperties props;
    private final KafkaBridge bridge;
    private final LiveRules rules;
    private final PatternHistory patterns;

    ServiceStreams(Hub hub, ServiceLogTail tail, JobEventTail jobTail, ServiceHistory history, StreamProperties props,
                   KafkaBridge bridge, LiveRules rules, PatternHistory patterns) {
        this.patterns = patterns;
        this.hub = hub;
        this.tail = tail;
        this.jobTail = jobTail;
        this.history = history;
        this.props = props;
        this.bridge = bridge;
        this.rules = rules;
    }

    /**
     * Checks a service-log query: no steps, and a cursor of the one-partition topic.
     *
     * @param sinceName the name a bad cursor is reported under
     */
    static LogQuery check(LogQuery request, String step, String sinceName) {
        if (step != null) {
            throw new BadParameterException("step", "service logs have no steps");
        }
        if (request.since() != null && request.since().partition() != 0) {
            throw new BadParameterException(sinceName, "service log cursors are in partition 0, was " + request.since());
        }
        return request;
    }

    /** Reads where the service-log stream starts; call after subscribing to it. */
    Opening open(LogQuery request, Hub.Subscription subscription) {
        int firstPage = request.since() == null ? request.limit() : props.maxLimit();
        var snapshot = history.snapshot(request.filter(), request.since(), firstPage);
        var status = new ServiceView(snapshot.instances(), tail.isTailing() && jobTail.isTailing() ? "up" : "down", "up",
            hub.connectionCount());
        var start = new LogSession.Start(0, snapshot.storedUpTo(), 0, snapshot.page().totalCount(),
            snapshot.page().displayedCount(), request.since(), request.since() == null ? snapshot.page().scannedTo() : null,
            snapshot.page().countedFrom());
        long liveFrom = subscription.liveFrom().length == 0 ? -1 : subscription.liveFrom()[0];
        return new Opening(new ServiceSource(status, patterns::live), request.filter(), start, null, snapshot.page().entries(),
            LogSession.BacklogPager.NONE, () -> bridge.read(Topics.SERVICE_LOGS, 0, null, snapshot.storedUpTo() + 1, liveFrom,
                r -> Delivery.of(rules.serviceLog(r.value()), r.offset(), r.timestamp())));
    }
}
