package io.quaero.gateway.hub;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.JobStatusChange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The live tail of {@link Topics#JOB_STATUS} for the jobs feed (see {@link KafkaTail}): every
 * partition, always, as for the service logs. The topic holds only status changes, which log-ingest
 * publishes once it has stored them, so a gateway with feed viewers reads them all without reading
 * a single partition of {@link Topics#JOB_EVENTS}. Nothing is decoded while nobody watches; while
 * someone does, each record is decoded once and its {@code status} frame rendered once for every
 * feed connection ({@link Delivery#feedFrame()}). A record that is not a {@link JobStatusChange}
 * (ingest writes none) is skipped and counted.
 */
@Component
public class JobStatusTail extends KafkaTail {

    private final Channels channels;
    /** Record values this tail decoded (written by the tail thread only): what the feed costs. */
    private final LongAdder decoded = new LongAdder();

    JobStatusTail(KafkaProperties kafka, Hub hub) {
        super(kafka, Topics.JOB_STATUS, "gateway job-status tail", hub.jobStatus());
        this.channels = hub.jobStatus();
    }

    /** Record values this tail has decoded since it started (only while a feed was open). */
    public long decodedCount() {
        return decoded.sum();
    }

    @Override
    protected void dispatch(ConsumerRecord<String, byte[]> record) {
        if (!channels.anyWatchingAll()) {
            return;
        }
        decoded.increment();
        JobStatusChange change;
        try {
            change = JobStatusChange.fromJson(record.value());
        } catch (IllegalArgumentException e) {
            skip(record, e.getMessage());
            return;
        }
        var team = record.headers().lastHeader(Topics.TEAM_HEADER);
        channels.all().deliver(Delivery.feed(change, new Cursor(record.partition(), record.offset()),
            Instant.ofEpochMilli(record.timestamp()), team == null ? null : new String(team.value(), StandardCharsets.UTF_8)));
    }
}
