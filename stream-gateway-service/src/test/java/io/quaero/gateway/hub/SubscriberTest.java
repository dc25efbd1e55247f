package io.quaero.gateway.hub;

import io.quaero.contracts.sse.Disconnect;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A connection's inbox is bounded in events and in bytes; the tail never waits on it. */
class SubscriberTest {

    @Test
    void aQueueFullOfBytesEndsTheSubscriptionWithOverflowLongBeforeItsCountIsReached() throws Exception {
        var s = new Subscriber<String>(10_000, 1_000, String::length, 100);
        for (int i = 0; i < 4; i++) {
            s.offer("x".repeat(250));
        }
        assertThat(s.ending()).isNull();
        s.offer("y");
        assertThat(s.ending()).isEqualTo(Disconnect.OVERFLOW);
    }

    @Test
    void bytesTakenOutAreFreeAgain() throws Exception {
        var s = new Subscriber<String>(10_000, 1_000, String::length, 100);
        for (int round = 0; round < 10; round++) {
            s.offer("x".repeat(600));
            assertThat(s.poll(0)).hasSize(600);
        }
        assertThat(s.ending()).isNull();
    }

    @Test
    void oneEventLargerThanTheWholeBudgetStillPassesAnEmptyQueue() throws Exception {
        var s = new Subscriber<String>(10_000, 1_000, String::length, 100);
        s.offer("z".repeat(5_000));
        assertThat(s.ending()).isNull();
        assertThat(s.poll(0)).hasSize(5_000);
    }
}
