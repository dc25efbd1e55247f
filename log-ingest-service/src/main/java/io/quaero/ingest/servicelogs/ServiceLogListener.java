package io.quaero.ingest.servicelogs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.UUID;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.ingest.config.KafkaConfiguration;
import io.quaero.ingest.intake.BatchIntake;
import io.quaero.ingest.intake.RecordDecoder;
import io.quaero.ingest.intake.Written;
import io.quaero.masking.Masker;
import io.quaero.masking.PatternHistory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Stores each poll of {@link Topics#SERVICE_LOGS} in one transaction, opened by {@link BatchIntake}
 * (which also isolates and dead-letters what can never be stored, as for job events). A repeated
 * event id is a no-op: the transaction first takes an advisory lock per source partition, so two
 * instances that briefly share a partition during a rebalance write one after the other, and the
 * second sees the first one's rows. Each line is stored masked by the admins' patterns in force at
 * its append time, as the gateway shows it live (module masking).
 */
@Component
class ServiceLogListener {

    private final RecordDecoder decoder;
    private final JdbcTemplate jdbc;
    private final BatchIntake intake;
    private final PatternHistory patterns;

    ServiceLogListener(RecordDecoder decoder, JdbcTemplate jdbc, BatchIntake intake, PatternHistory patterns) {
        this.decoder = decoder;
        this.jdbc = jdbc;
        this.intake = intake;
        this.patterns = patterns;
    }

    /** A decoded service log, where it was read, and its append time (which patterns apply). */
    private record Read(ServiceLogEvent event, int partition, long offset, long appendedAt) {
    }

    @KafkaListener(id = KafkaConfiguration.SERVICE_LOGS_LISTENER, topics = Topics.SERVICE_LOGS,
        containerFactory = KafkaConfiguration.BATCH_FACTORY, concurrency = "1")
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        // One partition: nothing is ever in the wrong one, so nothing is forwarded; no job status here.
        intake.store(Topics.SERVICE_LOGS, records, r -> new Read(decoder.serviceLog(r), r.partition(), r.offset(), r.timestamp()),
            reads -> {
                insert(reads);
                return Written.NOTHING;
            });
    }

    /** Runs in the transaction {@link BatchIntake} opened: the advisory locks last until it ends. */
    private void insert(List<Read> batch) {
        batch.stream().mapToInt(Read::partition).distinct().sorted().forEach(p ->
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtext(?), ?)", Object.class, Topics.SERVICE_LOGS, p));
        Set<UUID> seen = stored(batch);
        List<Object[]> rows = new ArrayList<>(batch.size());
        for (Read r : batch) {
            ServiceLogEvent e = r.event();
            if (seen.add(e.eventId())) {
                rows.add(new Object[] {
                    e.eventId(), r.partition(), r.offset(), java.sql.Timestamp.from(e.timestamp()),
                    (short) e.level().severity(), e.service(), e.instance(), e.logger(), e.jobId(),
                    Masker.mask(e.message(), patterns.at(r.appendedAt()))});
            }
        }
        jdbc.batchUpdate("""
            INSERT INTO service_logs (event_id, kafka_partition, kafka_offset, ts, level, service,
                                      instance, logger, job_id, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
        // One upsert per level per batch keeps the counts without a scan.
        Map<Short, Long> perLevel = new TreeMap<>();
        rows.forEach(r -> perLevel.merge((Short) r[4], 1L, Long::sum));
        jdbc.batchUpdate("""
            INSERT INTO service_log_counts (level, lines) VALUES (?, ?)
            ON CONFLICT (level) DO UPDATE SET lines = service_log_counts.lines + EXCLUDED.lines""",
            perLevel.entrySet().stream().map(e -> new Object[] {e.getKey(), e.getValue()}).toList());
    }

    private Set<UUID> stored(List<Read> batch) {
        UUID[] ids = batch.stream().map(r -> r.event().eventId()).toArray(UUID[]::new);
        Set<UUID> found = new HashSet<>();
        jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT event_id FROM service_logs WHERE event_id = ANY(?)");
            ps.setArray(1, con.createArrayOf("uuid", ids));
            return ps;
        }, rs -> {
            found.add(rs.getObject(1, UUID.class));
        });
        return found;
    }
}
