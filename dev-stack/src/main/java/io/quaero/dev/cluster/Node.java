package io.quaero.dev.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One process of the cluster, its own OS process: a Kafka node, a service instance, nginx. Its
 * output goes to {@code <name>.log} in the run directory (appended across restarts, so a drill's
 * log shows before and after) and its pid to {@code <name>.pid} while it runs, so an operator or
 * a drill can kill exactly this one — or ask the cluster to {@link #kill} and {@link #start} it.
 */
public final class Node {

    /** How long a SIGTERM'd process may take to drain before it is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path runDir;
    private volatile Process process;

    public Node(String name, List<String> command, Map<String, String> env, Path runDir) {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.runDir = runDir;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return runDir.resolve(name + ".log");
    }

    /** Starts the process unless it runs; the same command, environment and log every time. */
    public synchronized void start() {
        if (alive()) {
            return;
        }
        try {
            var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            builder.environment().putAll(env);
            Process started = builder.start();
            Files.writeString(pidFile(), started.pid() + "\n");
            process = started;
            started.onExit().thenAccept(this::exited);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** SIGKILL, as a crash looks: no shutdown hook, no drain. Returns when the process is gone. */
    public void kill() throws InterruptedException {
        Process p = process;
        if (p != null) {
            p.destroyForcibly().waitFor();
        }
    }

    /** SIGTERM, then SIGKILL after {@link #STOP_GRACE}. Returns when the process is gone. */
    public void stop() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    public boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The running process's id. */
    public long pid() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        return p.pid();
    }

    /** The last lines of its log, to say why it failed. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private Path pidFile() {
        return runDir.resolve(name + ".pid");
    }

    private void exited(Process p) {
        synchronized (this) {
            if (process == p) {
                try {
                    Files.deleteIfExists(pidFile());
                } catch (IOException e) {
                    // The pid file is advice for operators; a stale one names a dead pid.
                }
            }
        }
        System.out.printf("quaero cluster: %s (pid %d) exited with %d%n", name, p.pid(), p.exitValue());
    }

    @Override
    public String toString() {
        return name;
    }
}
