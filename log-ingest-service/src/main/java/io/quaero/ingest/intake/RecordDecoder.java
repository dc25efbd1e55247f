package io.quaero.ingest.intake;

import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.RecordRules;
import io.quaero.contracts.event.ServiceLogEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Turns Kafka records into events, or says precisely why one is poison ({@code
 * InvalidEventException} naming the field): {@link RecordRules}, the one set of rules every consumer
 * applies — the wire format, text PostgreSQL can store, the key is the job id (it decides the
 * partition, hence the job's order), the record has a value, a message within {@code
 * quaero.events.max-message-bytes} (one setting with the gateway, so a line refused here is never
 * shown live).
 */
@Component
public class RecordDecoder {

    /** Stateless and thread-safe. */
    private final RecordRules rules;

    RecordDecoder(@Value("${" + RecordRules.MAX_MESSAGE_BYTES_PROPERTY + ":" + RecordRules.DEFAULT_MAX_MESSAGE_BYTES + "}")
                  int maxMessageBytes) {
        this.rules = new RecordRules(maxMessageBytes);
    }

    public JobEvent jobEvent(ConsumerRecord<String, byte[]> record) {
        return rules.jobEvent(record.key(), record.value());
    }

    public ServiceLogEvent serviceLog(ConsumerRecord<String, byte[]> record) {
        return rules.serviceLog(record.value());
    }
}
