package io.quaero.bench;

import java.util.Map;

/**
 * CPU counters at one instant: the gateway's, this driver JVM's (broker, producer, clients and,
 * if kept running, ingest), PostgreSQL's and the machine's, with per-thread-group detail for the
 * two JVMs. Two samples bound the measured window; their differences are the results.
 */
record GatewayCpuSample(
    long nanos,
    long gatewayTicks,
    long driverTicks,
    long postgresTicks,
    long machineBusyTicks,
    long machineTotalTicks,
    Map<String, Long> gatewayThreadTicks,
    Map<String, Long> driverThreadTicks) {

    /** @param postgresPid the postmaster's pid, or -1 when the database is not ours to watch */
    static GatewayCpuSample take(long gatewayPid, long postgresPid) {
        long driverPid = ProcessHandle.current().pid();
        long[] machine = GatewayProcStats.machineTicks();
        return new GatewayCpuSample(System.nanoTime(), GatewayProcStats.cpuTicks(gatewayPid),
            GatewayProcStats.cpuTicks(driverPid), postgresPid < 0 ? 0 : GatewayProcStats.treeTicks(postgresPid),
            machine[0], machine[1],
            GatewayProcStats.threadGroupTicks(gatewayPid), GatewayProcStats.threadGroupTicks(driverPid));
    }

    double secondsSince(GatewayCpuSample start) {
        return (nanos - start.nanos) / 1e9;
    }

    double gatewayCpuSecondsSince(GatewayCpuSample start) {
        return (double) (gatewayTicks - start.gatewayTicks) / GatewayProcStats.TICKS_PER_SECOND;
    }

    double driverCpuSecondsSince(GatewayCpuSample start) {
        return (double) (driverTicks - start.driverTicks) / GatewayProcStats.TICKS_PER_SECOND;
    }

    double postgresCpuSecondsSince(GatewayCpuSample start) {
        return (double) (postgresTicks - start.postgresTicks) / GatewayProcStats.TICKS_PER_SECOND;
    }

    /** Busy share of all cores, 0..100. */
    double machineBusyPercentSince(GatewayCpuSample start) {
        return 100.0 * (machineBusyTicks - start.machineBusyTicks) / Math.max(1, machineTotalTicks - start.machineTotalTicks);
    }
}
