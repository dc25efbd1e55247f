package io.quaero.gateway.service;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.tail.Disconnect;
import io.quaero.gateway.tail.Subscriber;
import io.quaero.gateway.tail.Viewers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The live tail of {@link Topics#SERVICE_LOGS} for the service-logs panel every page shows. Like
 * the job tail it is not a group member and starts at the end; unlike it, every subscriber wants
 * every record, and nothing is decoded while nobody watches. The topic has one partition, so the
 * offset orders everything and is the stream's cursor.
 */
@Component
class ServiceLogTail implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ServiceLogTail.class);
    private static final TopicPartition PARTITION = new TopicPartition(Topics.SERVICE_LOGS, 0);

    private final KafkaProperties kafka;
    private final Viewers viewers;
    private final int bufferSize;
    private final EventCodec codec = new EventCodec();
    private final Set<Subscriber<ServiceDelivery>> subscribers = ConcurrentHashMap.newKeySet();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile boolean tailing;
    private volatile boolean closed;
    /** Offset of the record being (or last) dispatched; see JobEventTail.dispatchedUpTo for the handover. */
    private volatile long dispatched = -1;
    private Thread thread;

    ServiceLogTail(KafkaProperties kafka, Viewers viewers, StreamProperties props) {
        this.kafka = kafka;
        this.viewers = viewers;
        this.bufferSize = props.bufferSize();
    }

    /** Registers a panel's stream; counts against this instance's connection limit. */
    Subscriber<ServiceDelivery> subscribe() {
        viewers.acquireConnection();
        var s = new Subscriber<ServiceDelivery>(null, bufferSize);
        subscribers.add(s);
        // Pairs with the fence in dispatch: a record is either seen live or below dispatchedUpTo().
        VarHandle.fullFence();
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

    boolean isTailing() {
        return tailing;
    }

    /** Records up to this offset may have passed before we subscribed: bridge them from Kafka. */
    long dispatchedUpTo() {
        return dispatched;
    }

    @Override
    public synchronized void start() {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-service-tail");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name("gateway service-logs tail").start(this::run);
    }

    @Override
    public void stop() {
        closed = true;
        subscribers.forEach(s -> s.end(Disconnect.SHUTDOWN));
        running = false;
        var c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (thread != null) {
                thread.join(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        try (var c = consumer) {
            while (running && !tailing) {
                var infos = c.partitionsFor(Topics.SERVICE_LOGS, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    c.assign(List.of(PARTITION));
                    c.seekToEnd(List.of(PARTITION));
                    dispatched = c.position(PARTITION) - 1;
                    tailing = true;
                }
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            // stop() asked us to leave poll(): normal shutdown.
        } catch (RuntimeException e) {
            tailing = false;
            log.error("service-logs tail stopped: service streams on this instance get no new lines", e);
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        dispatched = record.offset();
        VarHandle.fullFence();
        if (subscribers.isEmpty() || record.value() == null) {
            return;
        }
        try {
            var delivery = new ServiceDelivery(codec.decodeServiceLog(record.value()), record.offset());
            subscribers.forEach(s -> s.offer(delivery));
        } catch (InvalidEventException poison) {
            // Ingest dead-letters it; the stream skips it.
        }
    }
}
