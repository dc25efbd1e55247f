package io.quaero.jobs.catalog;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.quaero.contracts.Level;
import org.springframework.stereotype.Component;

/**
 * Publishes exactly {@code rate × duration_s} log lines at a steady rate, spread evenly over
 * {@code steps} steps: the generator for benchmarks and for "can the page keep up" checks.
 *
 * <p>Pacing follows the clock, not a per-line sleep: at any moment the job has sent
 * {@code rate × elapsed} lines (rounded down), so a slow moment is caught up right after and the
 * total is exact. Lines are numbered so a reader can tell a gap from a filter.
 */
@Component
public class LoadJob implements JobType {

    /** Longest pause between bursts; short enough for smooth rates, long enough to be cheap. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    @Override
    public String name() {
        return "load";
    }

    @Override
    public String title() {
        return "Load generator";
    }

    @Override
    public String description() {
        return "Publishes rate × duration_s log lines at a steady rate across the given steps; "
            + "every error_every-th line is an error (0: none).";
    }

    @Override
    public List<IntParam> params() {
        return List.of(
            new IntParam("rate", 1, 100_000, 1_000, "Log lines per second."),
            new IntParam("duration_s", 1, 3_600, 10, "How long to publish, in seconds."),
            new IntParam("steps", 1, 100, 3, "How many steps the lines are spread over."),
            new IntParam("error_every", 0, 1_000_000, 0, "Every n-th line is an error; 0 for none."));
    }

    /** Exactly {@code rate × duration_s}: the pacing makes the total exact. */
    @Override
    public Optional<PlannedLines> plannedLines(JobParams params) {
        return Optional.of(new PlannedLines(params.get("rate") * params.get("duration_s"), "duration_s"));
    }

    @Override
    public void run(JobRun run, JobParams params) {
        long rate = params.get("rate");
        long total = rate * params.get("duration_s");
        int steps = (int) params.get("steps");
        long errorEvery = params.get("error_every");

        long start = System.nanoTime();
        long sent = 0;
        int step = -1;
        int lastProgress = -1;
        while (sent < total) {
            run.checkCancelled();
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
            for (; sent < due; sent++) {
                int stepOfLine = (int) (sent * steps / total);
                if (stepOfLine != step) {
                    step = stepOfLine;
                    run.step("step-" + (step + 1), "Step " + (step + 1) + " of " + steps);
                }
                long n = sent + 1;
                boolean error = errorEvery > 0 && n % errorEvery == 0;
                run.log(error ? Level.ERROR : Level.INFO,
                    "load line " + n + "/" + total + (error ? ": simulated failure" : ": payload ok"));
            }
            int progress = (int) (100 * sent / total);
            if (progress != lastProgress) {
                run.progress(progress);
                lastProgress = progress;
            }
            if (sent < total) {
                // Sleep until the next line is due, at most MAX_PARK_NANOS.
                long nextDueNanos = (sent + 1) * 1_000_000_000L / rate - (System.nanoTime() - start);
                LockSupport.parkNanos(Math.clamp(nextDueNanos, 50_000L, MAX_PARK_NANOS));
            }
        }
    }
}
