package io.quaero.gateway.logstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.JobView;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.gateway.history.StatusTimes;
import io.quaero.gateway.hub.Batch;
import io.quaero.gateway.hub.Delivery;
import io.quaero.gateway.hub.Subscriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quaero.gateway.sse.Deliveries;
import io.quaero.gateway.sse.SseWriter;
import io.quaero.masking.JobMasks;
import io.quaero.masking.MaskPatterns;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Connections in the same state write the bytes prepared once for a batch, and those bytes are
 * exactly what each would have written event by event — line numbers, counts, {@code has_more},
 * ids — through status changes, filters, a resume and a batch split by the event size limit.
 */
class SharedBatchTest {

    private static final UUID JOB = UUID.randomUUID();
    /** max-limit 50: a batch of 120 lines goes out as three logs events. */
    private static final StreamProperties PROPS = new StreamProperties(Duration.ofMillis(150), Duration.ofSeconds(5), 50,
        50, 10_000, DataSize.ofMegabytes(8), 100_000, 5000, 50, 200, 32, 100_000, 256, DataSize.ofMegabytes(1),
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(60), 100_000);

    private long offset = 100;

    @Test
    void connectionsInTheSameStateWriteWhatTheyWouldHaveWrittenEventByEvent() throws Exception {
        var start = new LogSession.Start(0, 100, 40, 40, 40, null, null, null);
        var warnings = new LogFilter(null, Level.WARN, null);
        var resumed = new LogSession.Start(0, 100, 40, 40, 40, new Cursor(0, 130), null, null);
        List<Viewer> viewers = List.of(
            new Viewer(LogFilter.ALL, start), new Viewer(LogFilter.ALL, start), new Viewer(LogFilter.ALL, start),
            new Viewer(warnings, start), new Viewer(warnings, start),
            new Viewer(LogFilter.ALL, resumed));

        List<Batch> batches = List.of(lines(30), lines(7), status(), lines(120), lines(1), lines(64));
        for (Batch b : batches) {
            for (Viewer v : viewers) {
                v.shared.accept(b);
                v.reference.writeEach(b);
            }
        }

        for (Viewer v : viewers) {
            assertThat(text(v.sharedBytes)).isEqualTo(text(v.referenceBytes));
        }
        assertThat(batches.getFirst().preparedStates()).as("prepared once per filter; the resumed viewer wrote its own")
            .isEqualTo(2);
        assertThat(batches.get(2).preparedStates()).as("a status change is written by each connection").isZero();
        assertThat(text(viewers.get(0).sharedBytes)).as("the same filter and place write the same bytes")
            .isEqualTo(text(viewers.get(2).sharedBytes))
            .contains("{\"line\":262,").doesNotContain("{\"line\":263,");
        assertThat(text(viewers.get(3).sharedBytes)).contains("\"level\":\"warn\"").doesNotContain("\"level\":\"info\"");
        assertThat(text(viewers.get(5).sharedBytes)).as("a resumed client is not sent what it has")
            .doesNotContain("\"cursor\":\"0-130\"").contains("\"cursor\":\"0-131\"");
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** One connection through the shared path, and its twin writing event by event. */
    private static final class Viewer {
        final ByteArrayOutputStream sharedBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream referenceBytes = new ByteArrayOutputStream();
        final LogSession shared;
        final LogSession reference;

        Viewer(LogFilter filter, LogSession.Start start) {
            shared = session(filter, start, sharedBytes);
            reference = session(filter, start, referenceBytes);
        }

        private static LogSession session(LogFilter filter, LogSession.Start start, ByteArrayOutputStream out) {
            var source = new JobSource(new JobView(JOB.toString(), "running", null), List.of(), new StatusTimes(null, Map.of()),
                c -> false, JobMasks.none(JOB), t -> MaskPatterns.NONE);
            return new LogSession(new Subscriber(100, 1 << 20), new SseWriter(out), filter, PROPS, source, start,
                new Deliveries(new SimpleMeterRegistry()));
        }
    }

    private Batch lines(int n) {
        List<Delivery> ds = new ArrayList<>();
        long weight = 0;
        for (int i = 0; i < n; i++) {
            offset++;
            Level level = offset % 3 == 0 ? Level.WARN : Level.INFO;
            var d = new Delivery(new LogEvent(UUID.randomUUID(), JOB, Instant.now(), level, "line at " + offset, "build", "Build",
                "test"), new Cursor(0, offset), 0L, false);
            ds.add(d);
            weight += d.weightBytes();
        }
        return new Batch(null, ds, weight);
    }

    private Batch status() {
        offset++;
        var d = new Delivery(new StatusEvent(UUID.randomUUID(), JOB, Instant.now(), new JobState(JobStatus.RUNNING, 50), List.of()),
            new Cursor(0, offset), 0L, false);
        return new Batch(null, List.of(d), d.weightBytes());
    }
}
