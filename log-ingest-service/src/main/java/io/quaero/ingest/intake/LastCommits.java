package io.quaero.ingest.intake;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * When each topic's last batch was done: its rows committed to PostgreSQL and its rejected
 * records dead-lettered (the Kafka offsets are committed right after). The health check compares
 * it with the lag to tell a busy ingest from a stuck one.
 */
@Component
public class LastCommits {

    private final Map<String, Instant> last = new ConcurrentHashMap<>();

    void committed(String topic) {
        last.put(topic, Instant.now());
    }

    public Optional<Instant> of(String topic) {
        return Optional.ofNullable(last.get(topic));
    }
}
