package io.quaero.ingest.history;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.ingest.config.IngestProperties;
import io.quaero.ingest.config.KafkaConfiguration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Turns each poll of {@link Topics#JOB_EVENTS} into one Postgres transaction.
 *
 * <p>A record that does not decode, or whose key is not its job id, is poison: the records before
 * it are stored, then it is named by index so the error handler commits those, sends it to the
 * dead-letter topic and redelivers the rest. Nothing around a bad record is lost or repeated.
 */
@Component
class JobEventListener {

    /** Stateless and thread-safe; one per listener is as good as a shared one. */
    private final EventCodec codec = new EventCodec();
    private final JobHistoryWriter writer;
    private final int maxMessageBytes;

    JobEventListener(JobHistoryWriter writer, IngestProperties props) {
        this.writer = writer;
        this.maxMessageBytes = props.maxMessageBytes();
    }

    @KafkaListener(id = "ingest-job-events", topics = Topics.JOB_EVENTS,
        containerFactory = KafkaConfiguration.BATCH_FACTORY)
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        List<Positioned<JobEvent>> batch = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            var record = records.get(i);
            try {
                batch.add(new Positioned<>(decode(record), new Cursor(record.partition(), record.offset())));
            } catch (InvalidEventException e) {
                writer.write(batch);
                throw new BatchListenerFailedException(Topics.JOB_EVENTS + "-" + record.partition()
                    + "@" + record.offset() + ": " + e.getMessage(), e, i);
            }
        }
        writer.write(batch);
    }

    private JobEvent decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            throw new InvalidEventException("$", "record has no value (tombstone)");
        }
        JobEvent event = codec.decodeJobEvent(record.value());
        // The key decides the partition, hence the job's order; a wrong key breaks invariant 1.
        if (!Topics.jobKey(event.jobId()).equals(record.key())) {
            throw new InvalidEventException("job_id", "does not match the record key '" + record.key() + "'");
        }
        if (event instanceof LogEvent log && tooLong(log.message())) {
            throw new InvalidEventException("message", "longer than " + maxMessageBytes + " bytes");
        }
        return event;
    }

    /** UTF-8 needs at most 3 bytes per char, so most messages are judged without encoding them. */
    private boolean tooLong(String message) {
        return message.length() > maxMessageBytes / 3
            && message.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes;
    }
}
