package io.quaero.gateway.history;

import java.util.Arrays;

import io.quaero.contracts.Topics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How far log-ingest has stored {@link Topics#JOB_EVENTS}, per partition ({@code ingest_progress},
 * written in the same transaction as the rows, so a record below it is in {@code jobs},
 * {@code job_steps} and {@code job_logs}).
 */
@Component
public class StoredOffsets {

    private final JdbcTemplate jdbc;

    StoredOffsets(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The highest stored offset of each of the topic's first {@code partitions} partitions, -1
     * where nothing is stored yet. One query over at most one row per partition.
     */
    public long[] storedUpTo(int partitions) {
        long[] stored = new long[partitions];
        Arrays.fill(stored, -1);
        jdbc.query("SELECT kafka_partition, next_offset FROM ingest_progress WHERE topic = ?", rs -> {
            int p = rs.getInt(1);
            if (p < partitions) {
                stored[p] = rs.getLong(2) - 1;
            }
        }, Topics.JOB_EVENTS);
        return stored;
    }
}
