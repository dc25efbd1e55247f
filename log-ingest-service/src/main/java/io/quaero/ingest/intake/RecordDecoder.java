package io.quaero.ingest.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import io.quaero.contracts.event.RecordRules;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.ServiceLogEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Turns Kafka records into events, or says precisely why one is poison: {@link RecordRules}, the
 * one set of rules every consumer applies (the wire format, key = job id, a value present, the
 * text storable and within {@code quaero.events.max-message-bytes}).
 */
@Component
public class RecordDecoder {

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

    /**
     * Decodes a whole poll. At the first poison record, the good records before it are handed to
     * {@code writeGoodPrefix} and the poison one is named by index, so the error handler commits
     * the prefix, dead-letters that record alone and redelivers the rest: nothing around a bad
     * record is lost or stored twice.
     */
    public static <T> List<T> decodeAll(List<ConsumerRecord<String, byte[]>> records,
                                        Function<ConsumerRecord<String, byte[]>, T> decode,
                                        Consumer<List<T>> writeGoodPrefix) {
        List<T> decoded = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            var record = records.get(i);
            try {
                decoded.add(decode.apply(record));
            } catch (InvalidEventException e) {
                writeGoodPrefix.accept(decoded);
                throw new BatchListenerFailedException(record.topic() + "-" + record.partition() + "@" + record.offset()
                    + ": " + e.getMessage(), e, i);
            }
        }
        return decoded;
    }
}
