package io.quaero.gateway.service;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.tail.KafkaTail;
import io.quaero.gateway.tail.LiveRules;
import io.quaero.gateway.tail.Subscriber;
import io.quaero.gateway.tail.Viewers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The live tail of {@link Topics#SERVICE_LOGS} for the service-logs panel every page shows (see
 * {@link KafkaTail}). Every subscriber wants every record, and nothing is decoded while nobody
 * watches. The topic has one partition, so the offset orders everything and is the cursor.
 */
@Component
class ServiceLogTail extends KafkaTail {

    private final Viewers viewers;
    private final int bufferSize;
    private final long bufferBytes;
    private final int maxBatch;
    private final LiveRules rules;
    private final Set<Subscriber<ServiceDelivery>> subscribers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    ServiceLogTail(KafkaProperties kafka, Viewers viewers, StreamProperties props, LiveRules rules) {
        super(kafka, Topics.SERVICE_LOGS, "gateway service-logs tail");
        this.rules = rules;
        this.viewers = viewers;
        this.bufferSize = props.bufferSize();
        this.bufferBytes = props.bufferBytes().toBytes();
        this.maxBatch = props.maxLimit();
    }

    /** Registers a panel's stream; counts against this instance's connection limit. */
    Subscriber<ServiceDelivery> subscribe() {
        viewers.acquireConnection();
        var s = new Subscriber<ServiceDelivery>(null, bufferSize, bufferBytes, ServiceDelivery::weightBytes, maxBatch);
        subscribers.add(s);
        fenceAfterSubscribing();
        if (closed) {
            s.end(Disconnect.SHUTDOWN);
        }
        return s;
    }

    void unsubscribe(Subscriber<ServiceDelivery> s) {
        if (subscribers.remove(s)) {
            viewers.releaseConnection();
        }
    }

    @Override
    protected void openSubscriptions() {
        closed = false;
    }

    @Override
    protected void endSubscriptions(Disconnect reason) {
        if (reason == Disconnect.SHUTDOWN) {
            closed = true;
        }
        subscribers.forEach(s -> s.end(reason));
    }

    @Override
    protected void dispatch(ConsumerRecord<String, byte[]> record) {
        if (subscribers.isEmpty() || record.value() == null) {
            return;
        }
        try {
            var delivery = new ServiceDelivery(rules.serviceLog(record.value()), record.offset());
            subscribers.forEach(s -> s.offer(delivery));
        } catch (InvalidEventException poison) {
            skip(record, poison.getMessage());
        }
    }
}
