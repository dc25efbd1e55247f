package io.quaero.gateway.hub;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.InvalidEventException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The live tail of {@link Topics#SERVICE_LOGS} for the service-logs panel every page shows (see
 * {@link KafkaTail}). Every subscriber wants every record, and nothing is decoded while nobody
 * watches. The topic has one partition, so the offset orders everything and is the cursor.
 */
@Component
public class ServiceLogTail extends KafkaTail {

    private final Channels channels;
    private final LiveRules rules;

    ServiceLogTail(KafkaProperties kafka, Hub hub, LiveRules rules) {
        super(kafka, Topics.SERVICE_LOGS, "gateway service-logs tail", hub.serviceLogs());
        this.channels = hub.serviceLogs();
        this.rules = rules;
    }

    @Override
    protected void dispatch(ConsumerRecord<String, byte[]> record) {
        if (!channels.anyWatchingAll() || record.value() == null) {
            return;
        }
        try {
            channels.all().deliver(Delivery.of(rules.serviceLog(record.value()), record.offset(), record.timestamp()));
        } catch (InvalidEventException poison) {
            skip(record, poison.getMessage());
        }
    }
}
