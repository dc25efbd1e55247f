package io.quaero.ingest.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.quaero.ingest.config.IngestProperties;
import io.quaero.ingest.config.KafkaConfiguration;
import io.quaero.ingest.intake.LastCommits;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Ingest in {@code /actuator/health}: DOWN when a listener is stopped (or its consumer thread
 * died), or stuck: records waiting and nothing stored for {@code stuck-after}. A database that is
 * up does not make ingest healthy: a batch that fails for ever, a lock held elsewhere or a missing
 * partition stop it just as well. Details per listener: state, lag, last commit, seconds since.
 * Reads what {@link IngestLag} last sampled, so a health check never waits on Kafka.
 */
@Component("ingest")
class IngestHealthIndicator implements HealthIndicator {

    private final KafkaListenerEndpointRegistry registry;
    private final IngestLag lag;
    private final LastCommits commits;
    private final Duration stuckAfter;

    IngestHealthIndicator(KafkaListenerEndpointRegistry registry, IngestLag lag, LastCommits commits, IngestProperties props) {
        this.registry = registry;
        this.lag = lag;
        this.commits = commits;
        this.stuckAfter = props.stuckAfter();
    }

    @Override
    public Health health() {
        Instant now = Instant.now();
        boolean up = true;
        var builder = Health.up();
        for (var listener : KafkaConfiguration.LISTENER_TOPICS.entrySet()) {
            ListenerState state = state(listener.getKey(), listener.getValue(), now);
            up &= state.running() && !state.stuck(stuckAfter);
            builder.withDetail(listener.getKey(), state.details(stuckAfter));
        }
        builder.withDetail("stuckAfterSeconds", stuckAfter.toSeconds());
        return (up ? builder : builder.down()).build();
    }

    private ListenerState state(String listenerId, String topic, Instant now) {
        MessageListenerContainer container = registry.getListenerContainer(listenerId);
        // isInExpectedState: false once a consumer thread has stopped other than by stop().
        boolean running = container != null && container.isRunning() && container.isInExpectedState();
        IngestLag.Sample sample = lag.last(listenerId);
        Optional<Instant> lastCommit = commits.of(topic);
        Instant upToDate = lastCommit.filter(at -> at.isAfter(sample.caughtUpAt())).orElse(sample.caughtUpAt());
        return new ListenerState(running, sample.lag(), lastCommit, upToDate, now);
    }
}
