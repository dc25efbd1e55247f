package io.quaero.gateway.feed;

import io.quaero.access.Caller;
import io.quaero.access.Role;
import io.quaero.access.Standing;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.JobStatus;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import io.quaero.contracts.sse.JobStatusChange;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.gateway.hub.Batch;
import io.quaero.gateway.hub.Delivery;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.hub.Subscriber;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** A feed connection's frames, without a server: what it writes for a batch and for an overflow. */
class JobStatusFeedConnectionTest {

    private static final int BUFFER = 16;
    private static final StreamProperties PROPS = new StreamProperties(Duration.ofMillis(150), Duration.ofSeconds(5), 100,
        1000, BUFFER, DataSize.ofMegabytes(8), 100_000, 5000, 50, 200, 32, 100_000, 256, DataSize.ofMegabytes(1),
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(60), 100_000);

    @Test
    void aStatusDeltaIsOneSharedFrameNamingItsJobEvenWhenOnlyStepsChanged() {
        UUID job = UUID.fromString("6f1c0b7e-3d2a-4c1b-9e8f-0a1b2c3d4e5f");
        var stepOnly = delivery(new StatusEvent(UUID.randomUUID(), job, Instant.now(), null,
            List.of(new StepState("parse", "Parse", JobStatus.COMPLETED))), 7);
        var jobOnly = delivery(new StatusEvent(UUID.randomUUID(), job, Instant.now(), new JobState(JobStatus.RUNNING, 40),
            List.of()), 8);

        assertThat(text(stepOnly.feedFrame())).isEqualTo("""
            event: status
            data: {"job":{"id":"6f1c0b7e-3d2a-4c1b-9e8f-0a1b2c3d4e5f"},"steps":[{"id":"parse","name":"Parse","status":"completed"}]}

            """);
        assertThat(text(jobOnly.feedFrame())).isEqualTo("""
            event: status
            data: {"job":{"id":"6f1c0b7e-3d2a-4c1b-9e8f-0a1b2c3d4e5f","status":"running","progress":40}}

            """);
        assertThat(jobOnly.feedFrame()).as("rendered once, the same bytes for every connection").isSameAs(jobOnly.feedFrame());
    }

    @Test
    void anOverflowedConnectionWritesWhatItHadThenAResetWithoutCursor() throws Exception {
        var subscriber = new Subscriber(BUFFER, PROPS.bufferBytes().toBytes());
        UUID job = UUID.randomUUID();
        for (int i = 0; i <= BUFFER; i++) {
            Delivery status = delivery(new StatusEvent(UUID.randomUUID(), job, Instant.now(), new JobState(JobStatus.RUNNING, i),
                List.of()), i);
            subscriber.offer(new Batch(null, List.of(status), status.weightBytes()));
        }
        assertThat(subscriber.ending()).isEqualTo(Disconnect.OVERFLOW);

        var bytes = new ByteArrayOutputStream();
        Disconnect end = new JobStatusFeedConnection(subscriber, new SseWriter(bytes), PROPS, Standing.ALWAYS,
            new Caller(1, "admin", Role.ADMIN, Set.of(), null)).run();

        assertThat(end).isEqualTo(Disconnect.OVERFLOW);
        String written = text(bytes.toByteArray());
        assertThat(written.split("event: status\n", -1)).hasSize(BUFFER + 1);
        assertThat(written).contains("\"progress\":" + (BUFFER - 1) + "}").doesNotContain("\"progress\":" + BUFFER + "}");
        assertThat(written).endsWith("event: reset\ndata: {\"reason\":\"overflow\"}\n\n");
    }

    /** The event as the status topic carries it, read at {@code offset}. */
    private static Delivery delivery(StatusEvent event, long offset) {
        return Delivery.feed(JobStatusChange.of(event), new Cursor(0, offset), Instant.now(), "default");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
