package io.quaero.gateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.LogsDeletedEvent;
import org.junit.jupiter.api.Test;

/** The per-job ring vouches only for what it really holds. */
class RingTest {

    private static final UUID JOB = UUID.randomUUID();
    private static final long MB = 1 << 20;

    @Test
    void servesAWindowItCoversInOffsetOrder() {
        var w = new Ring(0, 8, MB);
        w.coverFrom(0, 10);
        for (long o = 10; o < 15; o++) {
            w.append(at(o));
        }
        assertThat(offsets(w.slice(0, 11, 13))).containsExactly(11L, 12L, 13L);
        assertThat(w.slice(0, 10, 9)).isEmpty();
    }

    @Test
    void refusesAWindowThatStartsBeforeItsCoverage() {
        var w = new Ring(0, 8, MB);
        w.coverFrom(0, 10);
        w.append(at(10));
        assertThat(w.slice(0, 9, 10)).isNull();
    }

    @Test
    void refusesAWindowWhoseStartWasEvicted() {
        var w = new Ring(0, 3, MB);
        w.coverFrom(0, 0);
        for (long o = 0; o < 5; o++) {
            w.append(at(o));
        }
        assertThat(w.slice(0, 1, 4)).isNull();
        assertThat(offsets(w.slice(0, 2, 4))).containsExactly(2L, 3L, 4L);
    }

    @Test
    void anAdminsDeletionEmptiesTheRingOfWhatCameBeforeItAndItVouchesOnlyFromThere() {
        var w = new Ring(0, 8, MB);
        w.coverFrom(0, 10);
        for (long o = 10; o < 14; o++) {
            w.append(at(o));
        }
        var channel = new Channel(w, new Channel.Limits(100, MB, () -> { }));
        channel.deliver(new Delivery(new LogsDeletedEvent(UUID.randomUUID(), JOB, Instant.now(), UUID.randomUUID()),
            new Cursor(0, 14), 0L, false));
        channel.deliver(at(15));
        assertThat(w.slice(0, 10, 15)).as("a window reaching before the deletion is read from Kafka").isNull();
        assertThat(offsets(w.slice(0, 14, 15))).containsExactly(14L, 15L);
    }

    @Test
    void withoutCoverageOrCapacityItServesNothing() {
        assertThat(new Ring(0, 8, MB).slice(0, 0, 5)).isNull();
        var off = new Ring(0, 0, MB);
        off.coverFrom(0, 0);
        off.append(at(0));
        assertThat(off.slice(0, 1, 1)).isEmpty();
    }

    @Test
    void bigLinesAreEvictedByTheirBytesBeforeTheCountIsReached() {
        var w = new Ring(0, 256, 4 * at(0, 64 * 1024).weightBytes());
        w.coverFrom(0, 0);
        for (long o = 0; o < 10; o++) {
            w.append(at(o, 64 * 1024));
        }
        assertThat(w.slice(0, 5, 9)).as("only the newest four 64 KiB lines fit").isNull();
        assertThat(offsets(w.slice(0, 6, 9))).containsExactly(6L, 7L, 8L, 9L);
    }

    @Test
    void holdsWhatWasDispatchedBeforeItsFirstSubscriberSaidWhereItsCoverageStarts() {
        // The channel is made when the first viewer registers (the tail is at 9); events 10..12
        // pass while that viewer reads the database; only then does it call coverFrom(10).
        var w = new Ring(0, 8, MB);
        for (long o = 10; o <= 12; o++) {
            w.append(at(o));
        }
        w.coverFrom(0, 10);
        w.append(at(13));
        assertThat(offsets(w.slice(0, 10, 13))).as("a later viewer's bridge gets every event").containsExactly(10L, 11L, 12L, 13L);
    }

    @Test
    void aRingMadeBeforeTheJobHadAPartitionVouchesForNothing() {
        var w = new Ring(Ring.NO_PARTITION, 8, MB);
        w.append(at(10));
        w.coverFrom(0, 10);
        w.append(at(11));
        assertThat(w.slice(0, 10, 11)).isNull();
    }

    @Test
    void holdsOnlyTheJobsPartition() {
        var w = new Ring(0, 8, MB);
        w.coverFrom(0, 10);
        w.append(at(10));
        w.append(new Delivery(log(11), new Cursor(3, 11), 0L, false));
        w.append(at(12));
        assertThat(offsets(w.slice(0, 10, 12))).as("an event in another partition is not the job's").containsExactly(10L, 12L);
        assertThat(w.slice(3, 10, 12)).as("another partition: the ring cannot vouch").isNull();
        w.coverFrom(3, 0);
        assertThat(w.slice(3, 0, 12)).as("the partition it was made for stays the ring's").isNull();
    }

    @Test
    void afterTheTailRestartsNoRingVouchesForWhatPassedWhileItWasDown() throws Exception {
        var channels = new Channels(new Channel.Limits(1_000, MB, () -> { }));
        channels.positioned(new long[] {9}, false);
        var registration = channels.register("job", new Subscriber(100, MB), () -> new Ring(0, 8, MB), 0);
        Ring ring = registration.channel().ring();
        ring.coverFrom(0, registration.liveFrom()[0] + 1);
        ring.append(at(10));
        assertThat(offsets(ring.slice(0, 10, 10))).containsExactly(10L);

        // Down from offset 11 to 19: the tail starts again at the end, 19.
        channels.positioned(new long[] {19}, true);
        ring.append(at(20));
        assertThat(ring.slice(0, 10, 20)).as("offsets 11..19 passed by while the tail was down").isNull();
        assertThat(ring.slice(0, 20, 20)).as("nothing is vouched for until a new subscriber covers it").isNull();
    }

    private static List<Long> offsets(List<Delivery> ds) {
        return ds.stream().map(d -> d.cursor().offset()).toList();
    }

    private static Delivery at(long offset) {
        return new Delivery(log(offset), new Cursor(0, offset), 0L, false);
    }

    private static LogEvent log(long offset) {
        return new LogEvent(UUID.randomUUID(), JOB, Instant.now(), Level.INFO, "m" + offset, null, null, null);
    }

    private static Delivery at(long offset, int messageChars) {
        return new Delivery(new LogEvent(UUID.randomUUID(), JOB, Instant.now(), Level.INFO, "m".repeat(messageChars), null, null,
            null), new Cursor(0, offset), 0L, false);
    }
}
