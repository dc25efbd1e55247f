package io.quaero.ingest.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Records, in the caller's transaction, how far each source partition is stored
 * ({@code ingest_progress}): a gateway reads it in its snapshot to know where history ends and
 * the Kafka log must take over.
 */
@Component
public class IngestProgress {

    private final JdbcTemplate jdbc;

    IngestProgress(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A batch's positions: for each partition, the offset after the highest one in it. */
    public static final class Batch {
        private final Map<Integer, Long> next = new TreeMap<>();

        public void saw(int partition, long offset) {
            next.merge(partition, offset + 1, Math::max);
        }
    }

    /** Everything of these partitions below each batch offset + 1 is now stored (or dead-lettered). */
    public void record(String topic, Batch batch) {
        List<Object[]> rows = new ArrayList<>();
        batch.next.forEach((partition, offset) -> rows.add(new Object[] {topic, partition, offset}));
        jdbc.batchUpdate("""
            INSERT INTO ingest_progress (topic, kafka_partition, next_offset) VALUES (?, ?, ?)
            ON CONFLICT (topic, kafka_partition) DO UPDATE
               SET next_offset = GREATEST(ingest_progress.next_offset, EXCLUDED.next_offset)""", rows);
    }
}
