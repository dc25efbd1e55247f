package io.quaero.ingest.history;

import java.util.List;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.JobEvent;
import io.quaero.ingest.config.KafkaConfiguration;
import io.quaero.ingest.intake.DeadLetters;
import io.quaero.ingest.intake.IngestMetrics;
import io.quaero.ingest.intake.RecordDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Each poll of {@link Topics#JOB_EVENTS} becomes one Postgres transaction; the container commits
 * the offsets after this method returns, so offsets never run ahead of the database.
 */
@Component
class JobEventListener {

    private final RecordDecoder decoder;
    private final JobHistoryWriter writer;
    private final IngestMetrics metrics;
    private final DeadLetters deadLetters;

    JobEventListener(RecordDecoder decoder, JobHistoryWriter writer, IngestMetrics metrics, DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.decoder = decoder;
        this.writer = writer;
        this.metrics = metrics;
    }

    @KafkaListener(id = "ingest-job-events", topics = Topics.JOB_EVENTS,
        containerFactory = KafkaConfiguration.BATCH_FACTORY)
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        var decoded = RecordDecoder.decodeAll(records,
            r -> new Positioned<>(decoder.jobEvent(r), new Cursor(r.partition(), r.offset())));
        metrics.batch(Topics.JOB_EVENTS, records.size(), () -> deadLetters.storeThenDeadLetter(decoded, writer::write));
    }
}
