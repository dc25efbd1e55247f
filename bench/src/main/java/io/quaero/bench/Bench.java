package io.quaero.bench;

import java.util.Arrays;

/** {@code bench/run <name> [args]}: the benchmarks of this repository. */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        BenchCaller.forStreams();
        String name = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        switch (name) {
            case "ingest" -> IngestBenchmark.main(rest);
            case "gateway" -> GatewayBenchmark.main(rest);
            case "load" -> LoadBenchmark.main(rest);
            case "idle" -> IdleViewersBenchmark.main(rest);
            case "partitioners" -> PartitionerBenchmark.main(rest);
            case "forward-kill" -> ForwardKillDrill.main(rest);
            case "streams-memory" -> StreamsMemoryBenchmark.main(rest);
            case "search" -> SearchBenchmark.main(rest);
            default -> {
                System.out.println("usage: bench/run ingest [events] [instances] | gateway [clients] [jobs] [logs-per-second] [seconds] [warm-up-seconds] | load [rate] [seconds] | idle [viewers] | partitioners [rate] [seconds] | forward-kill [lines] [kills] | streams-memory [streams] | search [lines]");
                System.exit(name.equals("help") ? 0 : 2);
            }
        }
    }
}
