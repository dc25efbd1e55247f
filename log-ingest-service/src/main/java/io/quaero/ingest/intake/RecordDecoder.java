package io.quaero.ingest.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.ingest.config.IngestProperties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Turns Kafka records into events, or says precisely why one is poison: the wire format's rules
 * ({@link EventCodec}), plus what only ingest can check — the key is the job id (it decides the
 * partition, hence the job's order), the record has a value, the text fits PostgreSQL and the
 * configured size.
 */
@Component
public class RecordDecoder {

    /** Stateless and thread-safe. */
    private final EventCodec codec = new EventCodec();
    private final TextFields text;

    RecordDecoder(IngestProperties props) {
        this.text = new TextFields(props.maxMessageBytes());
    }

    public JobEvent jobEvent(ConsumerRecord<String, byte[]> record) {
        JobEvent event = codec.decodeJobEvent(value(record));
        if (!Topics.jobKey(event.jobId()).equals(record.key())) {
            throw new InvalidEventException("job_id", "does not match the record key " + quote(record.key()));
        }
        if (event instanceof LogEvent log) {
            text.check(log);
        }
        return event;
    }

    public ServiceLogEvent serviceLog(ConsumerRecord<String, byte[]> record) {
        ServiceLogEvent event = codec.decodeServiceLog(value(record));
        text.check(event);
        return event;
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

    private static byte[] value(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            throw new InvalidEventException("$", "record has no value (tombstone)");
        }
        return record.value();
    }

    private static String quote(String key) {
        if (key == null) {
            return "(none)";
        }
        return "'" + (key.length() > 60 ? key.substring(0, 60) + "…" : key) + "'";
    }
}
