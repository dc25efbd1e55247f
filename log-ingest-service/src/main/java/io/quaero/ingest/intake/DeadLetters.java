package io.quaero.ingest.intake;

import java.util.List;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.Topics;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.stereotype.Component;

/**
 * Publishes the records the rules refuse to {@link Topics#DEAD_LETTER}, from the listener, waiting
 * for each acknowledgement: the listener returns (and the container commits the poll's offsets)
 * only once they are there. Headers are spring-kafka's ({@code kafka_dlt-original-topic},
 * {@code -partition}, {@code -offset}, {@code kafka_dlt-exception-message} naming the field), the
 * same as the error handler's for a record the database refuses. If a send fails, the whole poll is
 * retried like an outage; the good records are then skipped as already stored, and a dead letter may
 * be published twice (the topic is at-least-once).
 */
@Component
public class DeadLetters {

    private final DeadLetterPublishingRecoverer recoverer;
    private final MeterRegistry meters;

    DeadLetters(DeadLetterPublishingRecoverer ingestDeadLetterRecoverer, MeterRegistry meters) {
        this.recoverer = ingestDeadLetterRecoverer;
        this.meters = meters;
    }

    /**
     * Stores a decoded poll's good records ({@link StorageIsolation}: a record the database refuses
     * is named to the error handler), then dead-letters its poison ones; when a record is refused,
     * the poison records before it first, since the offsets before it are about to be committed.
     */
    public <T> void storeThenDeadLetter(RecordDecoder.Decoded<T> poll, Consumer<List<T>> write) {
        try {
            StorageIsolation.write(poll.good(), poll.goodIndexes(), write);
        } catch (BatchListenerFailedException refused) {
            publish(poll.poisonBefore(refused.getIndex()));
            throw refused;
        }
        publish(poll.poison());
    }

    private void publish(List<RecordDecoder.Poison> poison) {
        for (RecordDecoder.Poison p : poison) {
            recoverer.accept(p.record(), p.reason());
            meters.counter("quaero.ingest.dead.letters", "topic", p.record().topic()).increment();
        }
    }
}
