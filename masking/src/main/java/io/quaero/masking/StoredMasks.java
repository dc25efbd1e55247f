package io.quaero.masking;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the values jobs declared secret from {@code job_masks} (log-ingest writes them, in the
 * transaction that stores the event and its {@code ingest_progress}): in a reader's transaction,
 * every value declared at or before the offsets that transaction sees as stored, none after.
 */
public final class StoredMasks {

    private StoredMasks() {
    }

    /** Each job's stored values in the order declared; a job that declared none has {@link JobMasks#none}. */
    public static Map<UUID, JobMasks> of(JdbcTemplate jdbc, Collection<UUID> jobIds) {
        Map<UUID, JobMasks> masks = new HashMap<>();
        jobIds.forEach(id -> masks.put(id, JobMasks.none(id)));
        if (jobIds.isEmpty()) {
            return masks;
        }
        UUID[] ids = jobIds.toArray(UUID[]::new);
        jdbc.query(con -> {
            var ps = con.prepareStatement(
                "SELECT job_id, length, fingerprint, digest FROM job_masks WHERE job_id = ANY(?) ORDER BY job_id, kafka_offset");
            ps.setArray(1, con.createArrayOf("uuid", ids));
            return ps;
        }, rs -> {
            UUID job = rs.getObject(1, UUID.class);
            masks.put(job, masks.get(job).with(new MaskValue(rs.getInt(2), rs.getInt(3), rs.getBytes(4))));
        });
        return masks;
    }

    /** One job's stored values. */
    public static JobMasks of(JdbcTemplate jdbc, UUID jobId) {
        return of(jdbc, List.of(jobId)).get(jobId);
    }
}
