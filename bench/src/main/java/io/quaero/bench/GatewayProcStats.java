package io.quaero.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU and memory of a process (or of the machine) from Linux's {@code /proc}: the gateway runs in
 * its own process precisely so that these figures are its own, not the driver's, broker's or
 * database's.
 */
final class GatewayProcStats {

    /** {@code USER_HZ}: the unit of the CPU times in {@code /proc}; 100 on every common kernel. */
    static final long TICKS_PER_SECOND = ticksPerSecond();

    private GatewayProcStats() {
    }

    /** User plus system CPU time of the process, in clock ticks. */
    static long cpuTicks(long pid) {
        return cpuTicksOf(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /**
     * CPU ticks of a process and all its descendants, alive or reaped (a reaped child's time is
     * in its parent's cutime/cstime): PostgreSQL forks a process per connection.
     */
    static long treeTicks(long rootPid) {
        Map<Long, List<Long>> children = new HashMap<>();
        Map<Long, Long> ticks = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String s = Files.readString(p.resolve("stat"));
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(p.getFileName().toString());
                    // f[1] is field 4 (ppid); utime, stime, cutime, cstime are fields 14 to 17.
                    children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(pid);
                    ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]));
                } catch (IOException | RuntimeException processEnded) {
                    // Gone between list and read: its time is in its parent's cutime now.
                }
            });
        } catch (IOException e) {
            return 0;
        }
        long total = 0;
        var todo = new ArrayDeque<Long>(List.of(rootPid));
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            total += ticks.getOrDefault(pid, 0L);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return total;
    }

    /** Resident set size now, in KiB; 0 if the process is gone. */
    static long rssKib(long pid) {
        return statusKib(pid, "VmRSS:");
    }

    /** Peak resident set size over the process's life, in KiB (the kernel's high-water mark). */
    static long peakRssKib(long pid) {
        return statusKib(pid, "VmHWM:");
    }

    /** All CPUs' busy and total time since boot, in clock ticks: {@code [busy, total]}. */
    static long[] machineTicks() {
        try (var lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElseThrow().trim().split("\\s+");
            long total = 0;
            // user nice system idle iowait irq softirq steal; guest time is already in user.
            for (int i = 1; i <= 8 && i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /**
     * CPU ticks per thread group of the process: thread names with their instance numbers
     * replaced by {@code *} ({@code GC Thread#0} and {@code GC Thread#1} are one group). The kernel keeps only
     * 15 characters of a name, so groups are as precise as that.
     */
    static Map<String, Long> threadGroupTicks(long pid) {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    ticks.merge(group(name), cpuTicksOf(task.resolve("stat")), Long::sum);
                } catch (IOException | RuntimeException threadEnded) {
                    // A thread that ended between list and read has no ticks to add.
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    /** The groups that used most CPU between two samples, busiest first, in ticks. */
    static Map<String, Long> busiest(Map<String, Long> before, Map<String, Long> after, int limit) {
        Map<String, Long> top = new LinkedHashMap<>();
        after.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
            .filter(e -> e.getValue() > 0)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(limit)
            .forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }

    private static String group(String threadName) {
        // Numbers after a separator or at the end are instance numbers; "C2 CompilerThre" keeps its 2.
        String g = threadName.replaceAll("(?<=[-#])\\d+|\\d+$", "*");
        return g.isEmpty() ? "?" : g;
    }

    private static long cpuTicksOf(Path stat) {
        try {
            String s = Files.readString(stat);
            // The name field may contain spaces and parentheses: fields count from the last ')'.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state); utime and stime are fields 14 and 15.
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long statusKib(long pid, String key) {
        try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith(key)).findFirst()
                .map(l -> Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]))
                .orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long ticksPerSecond() {
        try {
            var p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
