package io.quaero.gateway.hub;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.Cursor;
import io.quaero.contracts.DeadLetterHeaders;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.InvalidEventException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The live tail of {@link Topics#DEAD_LETTER}, so a job's viewers learn when storage refused a
 * record they were already shown.
 *
 * <p>A record the rules reject never reaches a viewer: the gateway applies the same rules as
 * ingest ({@link LiveRules}), so such a dead letter changes nothing here. But a record can pass
 * the rules and still be refused by the database (ingest isolates it and dead-letters it with the
 * reason). The live stream has numbered and shown it; the stored history has no line for it, so
 * every later line number would differ by one between what the page shows and what is stored.
 * Such a dead letter of a watched job ends every viewer of that job with
 * {@link Disconnect#RECORD_REJECTED} (the page starts over from stored history), takes the event
 * out of the job's ring, and is remembered ({@link Hub#rejected}) so that a viewer arriving
 * just before ingest records its progress does not number it again from the bridge.
 */
@Component
class DeadLetterTail extends KafkaTail {

    private final Hub hub;
    private final LiveRules rules;

    DeadLetterTail(KafkaProperties kafka, Hub hub, LiveRules rules) {
        // Feeds no channel of its own (nobody subscribes to dead letters): it acts on the jobs' channels.
        super(kafka, Topics.DEAD_LETTER, "gateway dead-letter tail", Channels.none());
        this.hub = hub;
        this.rules = rules;
    }

    @Override
    protected void dispatch(ConsumerRecord<String, byte[]> record) {
        var origin = DeadLetterHeaders.origin(record.headers());
        if (origin == null || !origin.topic().equals(Topics.JOB_EVENTS) || !hub.watching(record.key())) {
            return;
        }
        try {
            rules.jobEvent(record.key(), record.value());
        } catch (InvalidEventException neverShown) {
            // Rejected by the rules here too: it was never shown live, nothing to correct.
            return;
        }
        hub.rejected(record.key(), new Cursor(origin.partition(), origin.offset()));
    }
}
