package io.quaero.gateway.hub;

import java.util.Arrays;

/**
 * Which partitions of an on-demand tail's topic this instance's streams need, and since when a
 * partition is not needed: the bookkeeping behind {@link Channels}' assign and release. Not
 * thread-safe: used only under the {@link Channels} lock.
 *
 * <p>A registration needs one partition (a job whose partition is known: from its cursor or its
 * row) or every partition ({@link #EVERY_PARTITION}: a job with no partition yet, whose first event
 * may land in any). Each registration counts once until it leaves. "Last
 * needed" is stamped when a partition's last registration leaves, when the last every-partition
 * registration leaves, and when the tail takes the partition, so a partition the tail took at
 * start (or for a viewer who left at once) is still kept for the whole release delay.
 */
final class PartitionDemand {

    /** What a registration needs when it needs every partition. */
    static final int EVERY_PARTITION = -1;

    /** Per partition, the registrations that need it alone. */
    private int[] needs = new int[0];
    /** Registrations that need every partition. */
    private int needAll;
    /** Per partition, {@link System#nanoTime} when it was last known to be needed. */
    private long[] lastNeededNanos = new long[0];

    void add(int partition) {
        if (partition == EVERY_PARTITION) {
            needAll++;
        } else {
            fit(partition + 1, System.nanoTime());
            needs[partition]++;
        }
    }

    void remove(int partition, long nowNanos) {
        if (partition == EVERY_PARTITION) {
            if (--needAll == 0) {
                Arrays.fill(lastNeededNanos, nowNanos);
            }
        } else if (--needs[partition] == 0) {
            lastNeededNanos[partition] = nowNanos;
        }
    }

    boolean needed(int partition) {
        return needAll > 0 || partition < needs.length && needs[partition] > 0;
    }

    /** The tail took {@code partition}: it is kept at least the release delay from now. */
    void taken(int partition, long nowNanos) {
        fit(partition + 1, nowNanos);
        lastNeededNanos[partition] = nowNanos;
    }

    /** True when nobody needs {@code partition} and nobody has for {@code releaseAfterNanos}. */
    boolean idle(int partition, long nowNanos, long releaseAfterNanos) {
        return !needed(partition) && nowNanos - lastNeededNanos[partition] >= releaseAfterNanos;
    }

    /** Makes room for {@code partitions}; a partition new here counts as needed just now. */
    private void fit(int partitions, long nowNanos) {
        int known = needs.length;
        if (partitions > known) {
            needs = Arrays.copyOf(needs, partitions);
            lastNeededNanos = Arrays.copyOf(lastNeededNanos, partitions);
            Arrays.fill(lastNeededNanos, known, partitions, nowNanos);
        }
    }
}
