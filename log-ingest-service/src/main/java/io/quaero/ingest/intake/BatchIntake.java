package io.quaero.ingest.intake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.ingest.intake.DeadLetters.Rejected;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

/**
 * Stores one poll of a topic so that nothing a producer sends can stop ingest: every record is
 * either stored once, in Kafka order, or dead-lettered with its reason, and an outage stops
 * everything until it ends without losing or skipping a record.
 *
 * <p>Implementation notes.
 * <ul>
 * <li>A record that does not decode is rejected at once. The others are written in one
 *     transaction together with {@code ingest_progress}. If the database refuses it for a reason
 *     that is not an outage ({@link WriteFailure}), the batch is split in halves, each written in its
 *     own transaction, left before right, recursively, until each refused record stands alone and is
 *     rejected. Every other record is stored exactly once and in order, so line numbers stay
 *     gapless per job: a half that rolls back has numbered nothing. One refused record among n
 *     costs about 2·log2(n) more transactions.</li>
 * <li>An outage, at any step, is rethrown: the container's error handler retries the whole batch
 *     with the consumer paused. Halves committed before it are skipped on the retry (their event
 *     ids are stored), so nothing is stored twice. Nothing has been dead-lettered yet either: dead
 *     letters go out only after every write of the batch has succeeded, so an outage does not
 *     publish the same one at every retry.</li>
 * <li>Why dead letters are published from here and not by throwing
 *     {@code BatchListenerFailedException} to the error handler: while that handler retries a
 *     batch after an outage, a {@code BatchListenerFailedException} with a not-retryable cause ends
 *     its retries and it dead-letters the whole batch and commits it, records never stored included
 *     (seen: a poison record in a batch held through an outage lost the good records after it).
 *     Here, the listener returns only after every dead letter is acknowledged, and then the
 *     container commits the offsets: no offset moves before its rows or its dead letter.</li>
 * <li>A write may leave records to be forwarded: job events found on another partition than their
 *     job's ({@link Forwards}). They count as handled by the write's transaction; the copies are
 *     published after every write of the batch succeeded and acknowledged before the listener
 *     returns, like dead letters, so an outage publishes none and a crash before the offsets are
 *     committed publishes them again (their event ids make storing the copies idempotent).</li>
 * <li>The status changes a write made ({@link Written#statusChanges()}) go to the status topic
 *     ({@link StatusChanges}) the same way: after every write of the batch succeeded, acknowledged
 *     before the listener returns. So a change is stored before it is published, a poll that does
 *     not commit (an outage, retried whole) publishes nothing, a half that rolled back publishes
 *     nothing of its own (it decides again when split), a refused record is never published, and a
 *     crash before the offsets are committed publishes again what of the poll's changes is still in
 *     force (an event re-read at the offset in force takes effect again). An event set
 *     aside to be forwarded is not stored here, so it is published once, when its copy is.</li>
 * <li>{@code ingest_progress} ends up past every record of the batch, the rejected ones included
 *     (else a rejected record at the end of a partition would keep a gateway waiting for it). It
 *     moves past a rejected record just before its dead letter is published; a crash in between
 *     redelivers the batch, whose offsets were not committed, and the dead letter goes out then.</li>
 * </ul>
 */
@Component
public class BatchIntake {

    private final WriteTransactions tx;
    private final IngestProgress progress;
    private final Forwards forwardsPublisher;
    private final StatusChanges statusChanges;
    private final DeadLetters deadLetters;
    private final LastCommits commits;
    private final IngestMetrics metrics;

    BatchIntake(WriteTransactions tx, IngestProgress progress, Forwards forwardsPublisher, StatusChanges statusChanges,
                DeadLetters deadLetters, LastCommits commits, IngestMetrics metrics) {
        this.tx = tx;
        this.progress = progress;
        this.forwardsPublisher = forwardsPublisher;
        this.statusChanges = statusChanges;
        this.deadLetters = deadLetters;
        this.commits = commits;
        this.metrics = metrics;
    }

    /**
     * @param decode turns a record into what {@code write} takes; it may throw anything for a bad record
     * @param write  writes rows in the caller's transaction (this class opens and commits it) and
     *               returns what it left to publish: records to forward to another partition, the
     *               status changes it stored
     */
    public <T> void store(String topic, List<ConsumerRecord<String, byte[]>> records,
                          Function<ConsumerRecord<String, byte[]>, T> decode, Function<List<T>, Written> write) {
        metrics.batch(topic, records.size(), () -> {
            List<Decoded<T>> decoded = new ArrayList<>(records.size());
            List<Rejected> rejected = new ArrayList<>();
            for (var record : records) {
                try {
                    decoded.add(new Decoded<>(record, decode.apply(record)));
                } catch (RuntimeException e) {
                    rejected.add(new Rejected(record, invalid(e), e, DeadLetters.Kind.INVALID_EVENT));
                }
            }
            var committed = new Committed(new ArrayList<>(), new ArrayList<>());
            writeIsolating(topic, decoded, write, committed, rejected);
            if (!rejected.isEmpty()) {
                tx.executeWithoutResult(status -> progress.record(topic, positions(records)));
            }
            forwardsPublisher.publish(copies(records, committed.forwards()));
            statusChanges.publish(committed.statusChanges());
            deadLetters.publish(rejected);
            commits.committed(topic);
        });
    }

    private static List<Forwards.Copy> copies(List<ConsumerRecord<String, byte[]>> records, List<Forward> forwards) {
        if (forwards.isEmpty()) {
            return List.of();
        }
        Map<Cursor, ConsumerRecord<String, byte[]>> byCursor = new HashMap<>();
        records.forEach(r -> byCursor.put(new Cursor(r.partition(), r.offset()), r));
        return forwards.stream().map(f -> new Forwards.Copy(byCursor.get(f.from()), f.to())).toList();
    }

    /** A record and what it decoded to. */
    private record Decoded<T>(ConsumerRecord<String, byte[]> record, T event) {
    }

    /** What the committed writes of a batch left to publish, gathered in Kafka order (left half before right). */
    private record Committed(List<Forward> forwards, List<Written.StoredStatus> statusChanges) {

        void add(Written written) {
            forwards.addAll(written.forwards());
            statusChanges.addAll(written.statusChanges());
        }
    }

    private <T> void writeIsolating(String topic, List<Decoded<T>> part, Function<List<T>, Written> write,
                                    Committed committed, List<Rejected> rejected) {
        if (part.isEmpty()) {
            return;
        }
        try {
            // Only a committed write's results count: a half that rolls back decides again when split.
            committed.add(tx.execute(status -> {
                Written written = write.apply(part.stream().map(Decoded::event).toList());
                progress.record(topic, positions(part.stream().map(Decoded::record).toList()));
                return written;
            }));
        } catch (RuntimeException e) {
            if (WriteFailure.of(e) == WriteFailure.OUTAGE) {
                throw e;
            }
            if (part.size() == 1) {
                rejected.add(new Rejected(part.getFirst().record(), WriteFailure.describe(e), e, DeadLetters.Kind.REFUSED_BY_DATABASE));
                return;
            }
            int half = part.size() / 2;
            writeIsolating(topic, part.subList(0, half), write, committed, rejected);
            writeIsolating(topic, part.subList(half, part.size()), write, committed, rejected);
        }
    }

    private static IngestProgress.Batch positions(List<ConsumerRecord<String, byte[]>> records) {
        var positions = new IngestProgress.Batch();
        records.forEach(r -> positions.saw(r.partition(), r.offset()));
        return positions;
    }

    /** The reason a record does not decode: the codec names the field; anything else is a codec bug this record hit. */
    private static String invalid(RuntimeException e) {
        return e instanceof InvalidEventException ? "invalid event: " + e.getMessage()
            : "could not decode: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
