package io.quaero.ingest.intake;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.Cursor;
import io.quaero.contracts.ForwardedHeader;
import io.quaero.contracts.Topics;
import io.quaero.servicelog.JobMdc;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Copies job events that landed on another partition than their job's to the job's partition, and
 * returns once the broker has acknowledged every copy (before the source offsets are committed, so a
 * crash in between copies again: at least once, and the copy's event id makes storing it
 * idempotent). The copy keeps key, value and headers and gets {@link ForwardedHeader}. Counted in
 * {@code quaero.ingest.forwarded}.
 *
 * <p>A keyed producer never needs this; one that ignores keys (kafka-go's default round-robin
 * balancer, librdkafka's {@code random}) does for most of its events, and so does any producer
 * after partitions are added to the topic mid-job. Either way that producer's job has no order
 * across partitions any more but the order copies arrive in (its statuses: also the times it gave
 * them, {@code history.StatusMerge}); said once per job, loudly, in the service logs (the job's own
 * log shows in the job's context).
 */
@Component
public class Forwards {

    private static final Logger log = LoggerFactory.getLogger(Forwards.class);
    /** Jobs already warned about, newest kept: bounds memory, at worst warning again much later. */
    private static final int WARNED_REMEMBERED = 10_000;

    private final RecordPublisher publisher;
    private final MeterRegistry meters;
    private final Set<String> warned = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > WARNED_REMEMBERED;
        }
    });

    Forwards(RecordPublisher publisher, MeterRegistry meters) {
        this.publisher = publisher;
        this.meters = meters;
    }

    /** Partitions the topic has now (from the producer's metadata, refreshed by Kafka's client). */
    public int partitionCount(String topic) {
        return publisher.template().partitionsFor(topic).size();
    }

    /** Copies each record to its partition, in source order, and waits for every acknowledgement. */
    void publish(List<Copy> copies) {
        if (copies.isEmpty()) {
            return;
        }
        publisher.sendAll(copies.stream().map(c -> {
            ConsumerRecord<String, byte[]> r = c.record();
            var headers = new RecordHeaders(r.headers().toArray());
            headers.add(ForwardedHeader.NAME, ForwardedHeader.value(new Cursor(r.partition(), r.offset())));
            return new ProducerRecord<>(r.topic(), c.to(), r.key(), r.value(), headers);
        }).toList());
        for (Copy c : copies) {
            meters.counter("quaero.ingest.forwarded", "topic", c.record().topic()).increment();
            warnOnce(c);
        }
    }

    private void warnOnce(Copy c) {
        // The key is the job id: the record rules checked it before the writer saw the record.
        String job = c.record().key();
        synchronized (warned) {
            if (!warned.add(job)) {
                return;
            }
        }
        try (var ignored = JobMdc.put(UUID.fromString(job))) {
            log.warn("job {}: an event arrived on partition {} of {}, but the job's partition is {} (where its first event was): "
                    + "copied there; this job's order across partitions is only the order ingest reads them in. Its producer "
                    + "does not send one key to one partition: a partitioner that ignores the key (kafka-go's default "
                    + "round-robin balancer, librdkafka's 'random'), or partitions were added to the topic while the job ran. "
                    + "See docs/WORKERS.md.",
                job, c.record().partition(), c.record().topic(), c.to());
        }
    }

    /** A record and the partition it is copied to. */
    record Copy(ConsumerRecord<String, byte[]> record, int to) {
    }
}
