package io.quaero.gateway.hub;

import java.util.concurrent.atomic.LongAdder;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.ForwardedHeader;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.JobEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The live tail of {@link Topics#JOB_EVENTS} for this gateway instance (see {@link KafkaTail}).
 * It reads a partition only while this instance's streams need it (its {@link Channels} are
 * {@link Channels#onDemand on demand}: a job's viewers need its partition, a job with no partition
 * yet needs every one), and for {@code partition-release-after} after. The jobs feed needs none:
 * it reads the status topic ({@link JobStatusTail}).
 *
 * <p>For each record it looks the key up in its {@link Channels} first and skips the value of jobs
 * nobody here watches, so the cost of an unwatched job is a map lookup, not a JSON decode. Each
 * watched record is decoded once, and the one {@link Delivery} goes to the job's viewers: offered
 * to each connection's bounded queue; the tail never waits for a connection. A record the rules reject ({@link LiveRules}: the ones ingest applies, so a line
 * that will never be stored is never shown or counted) is skipped and counted here; ingest sends
 * it to the dead-letter topic.
 */
@Component
public class JobEventTail extends KafkaTail {

    private final Channels channels;
    private final LiveRules rules;
    /** Values this tail decoded (written by the tail thread only): what watching costs. */
    private final LongAdder decoded = new LongAdder();

    JobEventTail(KafkaProperties kafka, Hub hub, LiveRules rules) {
        super(kafka, Topics.JOB_EVENTS, "gateway job-events tail", hub.jobEvents());
        this.channels = hub.jobEvents();
        this.rules = rules;
    }

    /** Record values this tail has decoded since it started (only watched jobs'). */
    public long decodedCount() {
        return decoded.sum();
    }

    @Override
    protected void dispatch(ConsumerRecord<String, byte[]> record) {
        byte[] value = record.value();
        if (value == null) {
            return;
        }
        Channel job = channels.channel(record.key());
        if (job == null) {
            return;
        }
        JobEvent event;
        decoded.increment();
        try {
            event = rules.jobEvent(record.key(), value);
        } catch (InvalidEventException e) {
            skip(record, e.getMessage());
            return;
        }
        job.deliver(new Delivery(event, new Cursor(record.partition(), record.offset()), record.timestamp(),
            ForwardedHeader.from(record.headers()) != null));
    }
}
