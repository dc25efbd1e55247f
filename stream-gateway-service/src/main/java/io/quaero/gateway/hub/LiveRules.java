package io.quaero.gateway.hub;

import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.RecordRules;
import io.quaero.contracts.event.ServiceLogEvent;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The record rules the gateway applies live — the tails, the Kafka bridge, the dead-letter check —
 * with the same {@code quaero.events.max-message-bytes} as ingest: a line ingest will refuse is
 * never shown or counted live, so live line numbers agree with the stored ones.
 */
@Component
public class LiveRules {

    private final RecordRules rules;

    LiveRules(@Value("${" + RecordRules.MAX_MESSAGE_BYTES_PROPERTY + ":" + RecordRules.DEFAULT_MAX_MESSAGE_BYTES + "}")
              int maxMessageBytes) {
        this.rules = new RecordRules(maxMessageBytes);
    }

    /** @throws InvalidEventException when ingest would refuse the record */
    public JobEvent jobEvent(String key, byte[] value) {
        return rules.jobEvent(key, value);
    }

    /** @throws InvalidEventException when ingest would refuse the record */
    public ServiceLogEvent serviceLog(byte[] value) {
        return rules.serviceLog(value);
    }
}
