package io.quaero.jobs.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.quaero.contracts.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Whether log-ingest has stored every job event published up to now: compares the end of each
 * partition of {@link Topics#JOB_EVENTS} with {@code ingest_progress}. What makes "ingest has no
 * event of this job" mean "nobody published one" (job-service's judgements of external jobs rest on
 * it: which partition a job is in, and whether it went quiet).
 */
@Component
public class IngestWatermark implements DisposableBean {

    /** Bound of each Kafka request: a broker away must not hold a REST request or the reaper long. */
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(2);
    /** First and longest pause between two reads of {@code ingest_progress} while waiting. */
    private static final long FIRST_PAUSE_MS = 10;
    private static final long MAX_PAUSE_MS = 200;

    private final Admin admin;
    private final JdbcTemplate jdbc;

    IngestWatermark(KafkaProperties kafka, JdbcTemplate jdbc) {
        Map<String, Object> config = new HashMap<>(kafka.buildAdminProperties());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "job-service-ingest-watermark");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        this.admin = Admin.create(config);
        this.jdbc = jdbc;
    }

    /**
     * True once ingest has stored everything published to {@link Topics#JOB_EVENTS} before this
     * call, waiting at most {@code wait} for it (re-reading {@code ingest_progress} with growing
     * pauses); false if it did not get there, or Kafka could not say where the end is.
     */
    public boolean caughtUp(Duration wait) throws InterruptedException {
        Map<Integer, Long> ends;
        try {
            ends = endOffsets();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (long pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
            if (stored(ends)) {
                return true;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.min(pause, left));
        }
    }

    private Map<Integer, Long> endOffsets() throws ExecutionException, TimeoutException, InterruptedException {
        long timeout = KAFKA_TIMEOUT.toMillis();
        var topic = admin.describeTopics(List.of(Topics.JOB_EVENTS)).allTopicNames()
            .get(timeout, TimeUnit.MILLISECONDS).get(Topics.JOB_EVENTS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        topic.partitions().forEach(p -> latest.put(new TopicPartition(Topics.JOB_EVENTS, p.partition()), OffsetSpec.latest()));
        Map<Integer, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(timeout, TimeUnit.MILLISECONDS)
            .forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
        return ends;
    }

    /** Every partition's {@code next_offset} has reached its end as read before. */
    private boolean stored(Map<Integer, Long> ends) {
        Map<Integer, Long> next = new HashMap<>();
        jdbc.query("SELECT kafka_partition, next_offset FROM ingest_progress WHERE topic = ?",
            rs -> {
                next.put(rs.getInt(1), rs.getLong(2));
            }, Topics.JOB_EVENTS);
        return ends.entrySet().stream().allMatch(e -> next.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    @Override
    public void destroy() {
        admin.close(KAFKA_TIMEOUT);
    }
}
