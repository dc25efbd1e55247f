package io.quaero.ingest.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.quaero.contracts.event.RecordRules;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.ServiceLogEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
     * Decodes a whole poll, keeping each poison record (with its index in the poll and why) apart
     * from the good ones, so the good ones are stored in one transaction and the poison ones are
     * dead-lettered by the listener itself: a bad record costs one send, not a redelivery of the
     * rest of the poll.
     */
    public static <T> Decoded<T> decodeAll(List<ConsumerRecord<String, byte[]>> records,
                                           Function<ConsumerRecord<String, byte[]>, T> decode) {
        List<T> good = new ArrayList<>(records.size());
        List<Integer> goodIndexes = new ArrayList<>(records.size());
        List<Poison> poison = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            var record = records.get(i);
            try {
                good.add(decode.apply(record));
                goodIndexes.add(i);
            } catch (InvalidEventException e) {
                poison.add(new Poison(i, record, e));
            }
        }
        return new Decoded<>(good, goodIndexes.stream().mapToInt(Integer::intValue).toArray(), poison);
    }

    /** A record the rules refuse, at {@code index} of its poll. */
    public record Poison(int index, ConsumerRecord<String, byte[]> record, InvalidEventException reason) {
    }

    /**
     * A decoded poll: the good records in order with their indexes in the poll, and the poison ones.
     *
     * @param goodIndexes for each good record, its index in the poll (what the error handler's
     *                    {@code BatchListenerFailedException} names)
     */
    public record Decoded<T>(List<T> good, int[] goodIndexes, List<Poison> poison) {

        /** The poison records before the poll's {@code index}: dead-lettered before offsets up to it are committed. */
        public List<Poison> poisonBefore(int index) {
            return poison.stream().filter(p -> p.index() < index).toList();
        }
    }
}
