package io.quaero.gateway.tail;

import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.contracts.Topics;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * TEMPORARY until RecordRules lands.
 */
@Component
public class LiveRules {

    private final EventCodec codec = new EventCodec();
    private final int maxMessageBytes;

    LiveRules(@Value("${quaero.events.max-message-bytes:65536}") int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    public JobEvent jobEvent(String key, byte[] value) {
        JobEvent e = codec.decodeJobEvent(value);
        if (!Topics.jobKey(e.jobId()).equals(key)) {
            throw new InvalidEventException("job_id", "does not match the record key");
        }
        if (e instanceof LogEvent log && log.message().length() > maxMessageBytes) {
            throw new InvalidEventException("message", "too long");
        }
        return e;
    }

    public ServiceLogEvent serviceLog(byte[] value) {
        return codec.decodeServiceLog(value);
    }
}
