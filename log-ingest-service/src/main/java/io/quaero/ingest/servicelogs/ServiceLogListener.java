package io.quaero.ingest.servicelogs;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.ingest.config.KafkaConfiguration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores each poll of {@link Topics#SERVICE_LOGS} in one transaction; a repeated event id is a
 * no-op. Poison records go to the dead-letter topic the same way as job events.
 */
@Component
class ServiceLogListener {

    /** Stateless and thread-safe; one per listener is as good as a shared one. */
    private final EventCodec codec = new EventCodec();
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    ServiceLogListener(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @KafkaListener(id = "ingest-service-logs", topics = Topics.SERVICE_LOGS,
        containerFactory = KafkaConfiguration.BATCH_FACTORY)
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        List<Object[]> rows = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            var record = records.get(i);
            try {
                if (record.value() == null) {
                    throw new InvalidEventException("$", "record has no value (tombstone)");
                }
                rows.add(row(codec.decodeServiceLog(record.value()), record));
            } catch (InvalidEventException e) {
                insert(rows);
                throw new BatchListenerFailedException(Topics.SERVICE_LOGS + "-" + record.partition()
                    + "@" + record.offset() + ": " + e.getMessage(), e, i);
            }
        }
        insert(rows);
    }

    private static Object[] row(ServiceLogEvent e, ConsumerRecord<?, ?> record) {
        return new Object[] {
            e.eventId(), record.partition(), record.offset(), Timestamp.from(e.timestamp()),
            (short) e.level().severity(), e.service(), e.instance(), e.logger(), e.jobId(), e.message()};
    }

    private void insert(List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(status -> jdbc.batchUpdate("""
            INSERT INTO service_logs (event_id, kafka_partition, kafka_offset, ts, level, service,
                                      instance, logger, job_id, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""", rows));
    }
}
