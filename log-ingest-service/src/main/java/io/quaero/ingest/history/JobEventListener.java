package io.quaero.ingest.history;

import java.util.List;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.ForwardedHeader;
import io.quaero.contracts.Topics;
import io.quaero.ingest.config.KafkaConfiguration;
import io.quaero.ingest.intake.BatchIntake;
import io.quaero.ingest.intake.RecordDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Each poll of {@link Topics#JOB_EVENTS} becomes one Postgres transaction (more only when the
 * database refuses a record, see {@link BatchIntake}); the container commits the offsets after
 * this method returns, so offsets never run ahead of the database.
 */
@Component
class JobEventListener {

    private final RecordDecoder decoder;
    private final JobHistoryWriter writer;
    private final BatchIntake intake;

    JobEventListener(RecordDecoder decoder, JobHistoryWriter writer, BatchIntake intake) {
        this.decoder = decoder;
        this.writer = writer;
        this.intake = intake;
    }

    @KafkaListener(id = KafkaConfiguration.JOB_EVENTS_LISTENER, topics = Topics.JOB_EVENTS,
        containerFactory = KafkaConfiguration.BATCH_FACTORY)
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        intake.store(Topics.JOB_EVENTS, records,
            r -> new Positioned<>(decoder.jobEvent(r), new Cursor(r.partition(), r.offset()), ForwardedHeader.from(r.headers()) != null,
                r.timestamp()),
            writer::write);
    }
}
