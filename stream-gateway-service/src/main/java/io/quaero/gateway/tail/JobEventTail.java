package io.quaero.gateway.tail;

import java.nio.charset.StandardCharsets;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.JobEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The live tail of {@link Topics#JOB_EVENTS} for this gateway instance (see {@link KafkaTail}).
 *
 * <p>For each record it looks the key up in {@link Viewers} first and skips the value of jobs
 * nobody here watches, so the cost of an unwatched job is a map lookup, not a JSON decode. A
 * decoded event is offered to each watching connection's bounded queue; the tail never waits for
 * a connection. A value that does not decode is skipped here (ingest sends it to the dead-letter
 * topic).
 */
@Component
public class JobEventTail extends KafkaTail {

    private static final Logger log = LoggerFactory.getLogger(JobEventTail.class);

    private final Viewers viewers;
    private final EventCodec codec = new EventCodec();

    JobEventTail(KafkaProperties kafka, Viewers viewers) {
        super(kafka, Topics.JOB_EVENTS, "gateway job-events tail");
        this.viewers = viewers;
    }

    /**
     * The partition Kafka's default partitioner (murmur2 of the key, as every Java producer uses)
     * puts a job in: the best guess for a job none of whose events is stored yet. Producers with
     * another partitioner still keep a job's order; only this guess would be wrong.
     */
    public int partitionFor(String key) {
        int n = partitionCount();
        return n == 0 ? 0 : Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % n;
    }

    @Override
    protected void endSubscriptions() {
        viewers.closeAll();
    }

    @Override
    protected void dispatch(ConsumerRecord<String, byte[]> record) {
        Watch watch = viewers.watching(record.key());
        if (watch == null || record.value() == null) {
            return;
        }
        JobEvent event;
        try {
            event = codec.decodeJobEvent(record.value());
        } catch (InvalidEventException e) {
            log.debug("skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        var delivery = new Delivery(event, new Cursor(record.partition(), record.offset()));
        watch.append(delivery);
        for (Subscriber<Delivery> s : watch.subscribers) {
            s.offer(delivery);
        }
    }
}
