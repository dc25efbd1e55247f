package io.quaero.bench;

/**
 * Samples the gateway every second while the clients are connected: its RSS (the maximum is a
 * result: {@code VmHWM} alone would include start-up) and, every 5 s, a progress line, so a run
 * that degrades over time shows it instead of hiding it in an average.
 */
final class GatewayMonitor implements AutoCloseable {

    private static final long SAMPLE_MILLIS = 1_000;
    private static final int SAMPLES_PER_LINE = 5;

    private final long gatewayPid;
    private final GatewayClients clients;
    private final Thread thread;
    private volatile long maxRssKib;
    private volatile boolean running = true;

    GatewayMonitor(long gatewayPid, GatewayClients clients) {
        this.gatewayPid = gatewayPid;
        this.clients = clients;
        this.thread = Thread.ofPlatform().daemon().name("gateway-monitor").start(this::run);
    }

    long maxRssKib() {
        return maxRssKib;
    }

    private void run() {
        long startNanos = System.nanoTime();
        long lastNanos = startNanos;
        long lastEntries = clients.runEntries();
        long lastCpuTicks = GatewayProcStats.cpuTicks(gatewayPid);
        long[] lastMachine = GatewayProcStats.machineTicks();
        for (int sample = 1; running; sample++) {
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long rssKib = GatewayProcStats.rssKib(gatewayPid);
            maxRssKib = Math.max(maxRssKib, rssKib);
            if (sample % SAMPLES_PER_LINE == 0) {
                long now = System.nanoTime();
                long entries = clients.runEntries();
                long cpuTicks = GatewayProcStats.cpuTicks(gatewayPid);
                long[] machine = GatewayProcStats.machineTicks();
                double seconds = (now - lastNanos) / 1e9;
                double gatewayCorePercent = 100.0 * (cpuTicks - lastCpuTicks) / GatewayProcStats.TICKS_PER_SECOND / seconds;
                double machineBusyPercent = 100.0 * (machine[0] - lastMachine[0]) / Math.max(1, machine[1] - lastMachine[1]);
                System.out.printf("  %4.0f s: %,11.0f entries/s delivered, gateway %4.0f%% of a core, RSS %,5d MiB,"
                        + " machine %3.0f%% busy%n",
                    (now - startNanos) / 1e9, (entries - lastEntries) / seconds, gatewayCorePercent, rssKib / 1024,
                    machineBusyPercent);
                lastNanos = now;
                lastEntries = entries;
                lastCpuTicks = cpuTicks;
                lastMachine = machine;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
    }
}
