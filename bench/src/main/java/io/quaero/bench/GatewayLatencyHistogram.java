package io.quaero.bench;

/**
 * Publish→receive latencies in fixed buckets: 1 ms wide below 1 s, 10 ms below 10 s, 100 ms
 * below 60 s, and one bucket for everything later. About 19 KB whatever the run's length, so
 * each client can own one (no sharing, no locks on the hot path) and they are merged at the end.
 *
 * <p>A percentile is reported as the upper edge of its bucket (never flattering), capped by the
 * exact maximum. Not thread-safe: one writer, read after that writer is done.
 */
final class GatewayLatencyHistogram {

    private static final int FINE_BUCKETS = 1_000;
    private static final int MEDIUM_BUCKETS = 900;
    private static final int COARSE_BUCKETS = 500;
    private static final int BUCKETS = FINE_BUCKETS + MEDIUM_BUCKETS + COARSE_BUCKETS + 1;
    private static final long FINE_LIMIT_MICROS = 1_000_000;
    private static final long MEDIUM_LIMIT_MICROS = 10_000_000;
    private static final long COARSE_LIMIT_MICROS = 60_000_000;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long maxMicros;
    /** Receive before publish: only a clock step could do that; counted as 0, reported. */
    private long negative;

    void record(long latencyMicros) {
        if (latencyMicros < 0) {
            negative++;
            latencyMicros = 0;
        }
        counts[bucket(latencyMicros)]++;
        total++;
        if (latencyMicros > maxMicros) {
            maxMicros = latencyMicros;
        }
    }

    void add(GatewayLatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        negative += other.negative;
        maxMicros = Math.max(maxMicros, other.maxMicros);
    }

    long count() {
        return total;
    }

    long negativeCount() {
        return negative;
    }

    long maxMicros() {
        return maxMicros;
    }

    /** The latency that {@code percent}% of the values are at or below; 0 when empty. */
    long percentileMicros(double percent) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperEdgeMicros(i), maxMicros);
            }
        }
        return maxMicros;
    }

    private static int bucket(long micros) {
        if (micros < FINE_LIMIT_MICROS) {
            return (int) (micros / 1_000);
        }
        if (micros < MEDIUM_LIMIT_MICROS) {
            return FINE_BUCKETS + (int) ((micros - FINE_LIMIT_MICROS) / 10_000);
        }
        if (micros < COARSE_LIMIT_MICROS) {
            return FINE_BUCKETS + MEDIUM_BUCKETS + (int) ((micros - MEDIUM_LIMIT_MICROS) / 100_000);
        }
        return BUCKETS - 1;
    }

    private static long upperEdgeMicros(int bucket) {
        if (bucket < FINE_BUCKETS) {
            return (bucket + 1) * 1_000L;
        }
        if (bucket < FINE_BUCKETS + MEDIUM_BUCKETS) {
            return FINE_LIMIT_MICROS + (bucket - FINE_BUCKETS + 1) * 10_000L;
        }
        if (bucket < BUCKETS - 1) {
            return MEDIUM_LIMIT_MICROS + (bucket - FINE_BUCKETS - MEDIUM_BUCKETS + 1) * 100_000L;
        }
        return Long.MAX_VALUE;
    }
}
