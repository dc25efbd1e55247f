package io.quaero.gateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.sse.Disconnect;
import org.junit.jupiter.api.Test;

/** A connection's inbox is bounded in events and in bytes; the tail never waits on it. */
class SubscriberTest {

    @Test
    void aQueueFullOfBytesEndsTheSubscriptionWithOverflowLongBeforeItsCountIsReached() throws Exception {
        var s = new Subscriber(10_000, 4 * weight(250));
        for (int i = 0; i < 4; i++) {
            s.offer(batch(250));
        }
        assertThat(s.ending()).isNull();
        s.offer(batch(1));
        assertThat(s.ending()).isEqualTo(Disconnect.OVERFLOW);
    }

    @Test
    void aQueueFullOfEventsEndsTheSubscriptionWithOverflow() throws Exception {
        var s = new Subscriber(3, 1 << 20);
        s.offer(new Batch(null, List.of(line(1), line(1)), 2 * weight(1)));
        s.offer(batch(1));
        assertThat(s.ending()).isNull();
        s.offer(batch(1));
        assertThat(s.ending()).isEqualTo(Disconnect.OVERFLOW);
    }

    @Test
    void bytesTakenOutAreFreeAgain() throws Exception {
        var s = new Subscriber(10_000, weight(600) + 100);
        for (int round = 0; round < 10; round++) {
            s.offer(batch(600));
            assertThat(s.poll(0).deliveries().getFirst().line().message()).hasSize(600);
        }
        assertThat(s.ending()).isNull();
    }

    @Test
    void oneBatchLargerThanTheWholeBudgetStillPassesAnEmptyQueue() throws Exception {
        var s = new Subscriber(10_000, 1_000);
        s.offer(batch(5_000));
        assertThat(s.ending()).isNull();
        assertThat(s.poll(0).deliveries().getFirst().line().message()).hasSize(5_000);
    }

    private static Batch batch(int messageChars) {
        Delivery d = line(messageChars);
        return new Batch(null, List.of(d), d.weightBytes());
    }

    private static long weight(int messageChars) {
        return line(messageChars).weightBytes();
    }

    private static Delivery line(int messageChars) {
        return new Delivery(new LogEvent(UUID.randomUUID(), UUID.randomUUID(), Instant.now(), Level.INFO, "x".repeat(messageChars),
            null, null, null), new Cursor(0, 1), 0L, false);
    }
}
