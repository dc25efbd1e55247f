package io.quaero.ingest.health;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One ingest listener as the health check sees it at {@code now}.
 *
 * @param running    the container runs and its consumer thread is alive
 * @param lag        records waiting on its partitions, or empty when the last sample failed
 * @param lastCommit when it last stored a batch, if ever
 * @param upToDate   the latest of: its last commit, the last sample that found it caught up (lag
 *                   0), the start of sampling. Waiting counts from here, so a record arriving
 *                   after an idle hour is not "an hour without a commit".
 */
record ListenerState(boolean running, Optional<Long> lag, Optional<Instant> lastCommit, Instant upToDate, Instant now) {

    /** Records are waiting and nothing was stored for longer than {@code stuckAfter} (0 = never stuck). */
    boolean stuck(Duration stuckAfter) {
        return !stuckAfter.isZero() && lag.orElse(0L) > 0 && Duration.between(upToDate, now).compareTo(stuckAfter) > 0;
    }

    Map<String, Object> details(Duration stuckAfter) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", !running ? "stopped" : stuck(stuckAfter) ? "stuck" : "ok");
        details.put("lag", lag.<Object>map(l -> l).orElse("unknown"));
        details.put("lastCommit", lastCommit.<Object>map(at -> at.truncatedTo(ChronoUnit.MILLIS).toString()).orElse("never"));
        lastCommit.ifPresent(at -> details.put("secondsSinceLastCommit", Duration.between(at, now).toSeconds()));
        return details;
    }
}
