package io.quaero.jobs.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One page of jobs, newest first.
 *
 * @param next where the next (older) page starts, or null on the last page
 */
public record JobPage(List<JobRecord> jobs, @Nullable Position next) {

    /**
     * A place in the newest-first order: just after the job created at {@code createdAt} with id
     * {@code id}. Text form {@code <epoch microseconds>_<id>} (opaque to clients).
     */
    public record Position(Instant createdAt, UUID id) {

        public String text() {
            long micros = createdAt.getEpochSecond() * 1_000_000 + createdAt.getNano() / 1_000;
            return micros + "_" + id;
        }

        /** Parses {@link #text()}; throws IllegalArgumentException for anything else. */
        public static Position parse(String text) {
            int sep = text.indexOf('_');
            if (sep <= 0 || text.length() - sep - 1 != 36) {
                throw new IllegalArgumentException("not a page cursor: '" + text + "'");
            }
            try {
                long micros = Long.parseLong(text.substring(0, sep));
                UUID id = UUID.fromString(text.substring(sep + 1));
                return new Position(Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1_000L)), id);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a page cursor: '" + text + "'", e);
            }
        }
    }
}
