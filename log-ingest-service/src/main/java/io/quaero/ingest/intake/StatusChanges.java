package io.quaero.ingest.intake;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.JobStatusChange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.stereotype.Component;

/**
 * Publishes the status changes a poll stored to {@link Topics#JOB_STATUS}, for the jobs list's live
 * feed, and returns once the broker has acknowledged every one: called after the poll's database
 * transactions committed and before its offsets are, so a change is in PostgreSQL before it is on
 * the status topic, and a crash in between re-polls, re-stores (status merges are idempotent) and
 * publishes again what of it is still in force. A repeat is harmless to the feed: it is the state
 * in force, so the later change still wins. Each as the delta it is ({@link JobStatusChange#of}), keyed
 * by its job, in the order given (Kafka order per job): the producer is idempotent, so retries do
 * not reorder a partition. Counted in {@code quaero.ingest.status.published}.
 */
@Component
public class StatusChanges {

    private final RecordPublisher publisher;
    private final Counter published;

    StatusChanges(RecordPublisher publisher, MeterRegistry meters) {
        this.publisher = publisher;
        this.published = Counter.builder("quaero.ingest.status.published")
            .description("status changes published to " + Topics.JOB_STATUS + " after they were stored")
            .register(meters);
    }

    /** The change as the feed sends it, its job's team in the {@link Topics#TEAM_HEADER} header (none: admins only). */
    private static ProducerRecord<String, byte[]> record(Written.StoredStatus change) {
        var record = new ProducerRecord<>(Topics.JOB_STATUS, Topics.jobKey(change.event().jobId()),
            JobStatusChange.of(change.event()).toJson());
        if (change.team() != null) {
            record.headers().add(Topics.TEAM_HEADER, change.team().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return record;
    }

    /** Publishes them in the order given and waits for every acknowledgement; throws if the broker does not take one. */
    void publish(List<Written.StoredStatus> changes) {
        publisher.sendAll(changes.stream().map(StatusChanges::record).toList());
        published.increment(changes.size());
    }
}
