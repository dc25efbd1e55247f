package io.quaero.ingest.intake;

import java.io.Serial;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.stereotype.Component;

/**
 * Publishes the records ingest will never store to {@link Topics#DEAD_LETTER}, one topic for
 * every source, and returns once the broker has acknowledged each. The record keeps its key, value
 * and headers; spring-kafka's recoverer adds {@code kafka_dlt-original-topic}, {@code -partition}
 * (int), {@code -offset} (long), and the reason in {@code kafka_dlt-exception-message}. Counted in
 * {@code quaero.ingest.dead.letters} by topic and {@link Kind}; logged as one line per batch, however many there are.
 *
 * <p>A record near the size limit does not fit in a dead letter once the reason is added (a
 * producer may send up to the broker's limit, 1 MiB by default). Retrying could never help, and
 * would stop ingest: such a dead letter is published without the record's key, value and headers,
 * naming where the record is (it stays there until retention) and why it was rejected.
 */
@Component
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final DeadLetterPublishingRecoverer recoverer;
    private final MeterRegistry meters;

    DeadLetters(RecordPublisher publisher, MeterRegistry meters) {
        this.recoverer = new Publisher(publisher.template());
        this.meters = meters;
    }

    /**
     * A record that will never be stored, and why.
     *
     * @param kind which side said no, the {@code reason} tag of {@code quaero.ingest.dead.letters}
     */
    public record Rejected(ConsumerRecord<String, byte[]> record, String reason, Throwable cause, Kind kind) {
    }

    /** Who refused a record: a bounded set, so it can tag a metric (the full reason is in the dead letter). */
    public enum Kind {
        /** It breaks the event rules (codec, key, size): no producer fix on our side can store it. */
        INVALID_EVENT("invalid-event"),
        /** PostgreSQL refused it for a reason of its own (a value out of a column's range, say). */
        REFUSED_BY_DATABASE("refused-by-database");

        private final String tag;

        Kind(String tag) {
            this.tag = tag;
        }
    }

    /** Publishes them in their source order; throws if the broker does not take one. */
    public void publish(List<Rejected> rejected) {
        if (rejected.isEmpty()) {
            return;
        }
        List<Rejected> ordered = rejected.stream()
            .sorted(Comparator.comparingInt((Rejected r) -> r.record().partition()).thenComparingLong(r -> r.record().offset()))
            .toList();
        for (Rejected r : ordered) {
            String reason = where(r.record()) + ": " + r.reason();
            try {
                recoverer.accept(r.record(), new RejectedRecordException(reason, r.cause()));
            } catch (RuntimeException e) {
                if (!tooLarge(e)) {
                    throw e;
                }
                int bytes = Math.max(0, r.record().serializedValueSize());
                recoverer.accept(positionOnly(r.record()), new RejectedRecordException(reason
                    + " (its key, headers and " + bytes + "-byte value are left out: too large for a dead letter)", null));
            }
            meters.counter("quaero.ingest.dead.letters", "topic", r.record().topic(), "reason", r.kind().tag).increment();
        }
        Rejected first = ordered.getFirst();
        log.warn("dead-lettered {} record(s) that can never be stored, first {}: {}{}", ordered.size(),
            where(first.record()), first.reason(), ordered.size() > 1 ? " (reasons of the others in " + Topics.DEAD_LETTER + ")" : "");
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException) {
                return true;
            }
        }
        return false;
    }

    /** The record's place and time, nothing it carried. */
    private static ConsumerRecord<String, byte[]> positionOnly(ConsumerRecord<String, byte[]> record) {
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
            record.timestampType(), -1, -1, null, null, new RecordHeaders(), Optional.empty());
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /** spring-kafka's recoverer, with the dead-letter headers, sending to one topic and waiting for each acknowledgement. */
    private static final class Publisher extends DeadLetterPublishingRecoverer {

        Publisher(KafkaTemplate<String, byte[]> template) {
            super(template, (record, ex) -> new TopicPartition(Topics.DEAD_LETTER, -1));
        }

        /**
         * Waits for the acknowledgement (at most the producer's delivery.timeout.ms) and throws the
         * failure with its cause: the inherited publish logs a failed send and throws without it,
         * and "too large for a dead letter" must be told apart from "the broker is away".
         */
        @Override
        protected void publish(ProducerRecord<Object, Object> outRecord, KafkaOperations<Object, Object> kafka,
                               ConsumerRecord<?, ?> inRecord) {
            kafka.send(outRecord).join();
        }
    }

    /** What a dead letter's exception headers describe: where the record was and why it was rejected. */
    static final class RejectedRecordException extends RuntimeException {

        @Serial
        private static final long serialVersionUID = 1L;

        RejectedRecordException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }
}
