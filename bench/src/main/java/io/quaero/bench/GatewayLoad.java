package io.quaero.bench;

import java.util.UUID;

/** What feeds the clients' jobs during a run: the Kafka producer (for the gateway) or the nchan publisher. */
interface GatewayLoad {

    UUID[] jobs();

    /**
     * Publishes {@code logsPerSecond} lines a second, round-robin over the jobs, for {@code
     * durationNanos}; runs {@code atMark} once when {@code markNanos} have passed (the end of the
     * warm-up). Returns when every line is acknowledged.
     */
    void run(int logsPerSecond, long durationNanos, long markNanos, Runnable atMark);

    /** Lines of job {@code job} acknowledged, seed included. */
    long acked(int job);

    long failed();
}
