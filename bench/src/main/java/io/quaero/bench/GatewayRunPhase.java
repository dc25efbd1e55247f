package io.quaero.bench;

/**
 * The phases of one gateway run, shared by the driver (writer) and every client (readers).
 *
 * <p>Two different clocks on purpose. Completeness and latency go by when an entry was
 * <em>published</em> (its timestamp): an entry published in the window is judged even if it
 * arrives during the drain. The delivered rate and the CPU per entry go by when entries were
 * <em>received</em>: both are measured over the same wall-clock window as the gateway's CPU.
 */
final class GatewayRunPhase {

    /** Entries published at or after this count towards "received all that was produced". */
    private volatile long runFromMicros = Long.MAX_VALUE;
    /** Entries published at or after this (after the warm-up) go into the latency histogram. */
    private volatile long latencyFromMicros = Long.MAX_VALUE;
    /** True while the measured window is open: entries received now count towards the rate. */
    private volatile boolean measuring;
    private volatile boolean stopping;

    long runFromMicros() {
        return runFromMicros;
    }

    long latencyFromMicros() {
        return latencyFromMicros;
    }

    boolean measuring() {
        return measuring;
    }

    boolean stopping() {
        return stopping;
    }

    void startRun(long epochMicros) {
        runFromMicros = epochMicros;
    }

    void startMeasuring(long epochMicros) {
        latencyFromMicros = epochMicros;
        measuring = true;
    }

    void stopMeasuring() {
        measuring = false;
    }

    void stop() {
        stopping = true;
    }

    static long nowMicros() {
        var now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }
}
