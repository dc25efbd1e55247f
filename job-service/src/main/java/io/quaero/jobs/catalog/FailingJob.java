package io.quaero.jobs.catalog;

import java.time.Duration;
import java.util.List;

import io.quaero.contracts.Level;
import org.springframework.stereotype.Component;

/**
 * An ETL run whose second step breaks: what a failure looks like in the viewer (error and fatal
 * lines, the step and the job marked failed).
 */
@Component
public class FailingJob implements JobType {

    @Override
    public String name() {
        return "failing-etl";
    }

    @Override
    public String title() {
        return "ETL that fails in Transform";
    }

    @Override
    public String description() {
        return "Extracts rows, then fails while transforming them: error and fatal lines, a failed step, a failed job.";
    }

    @Override
    public List<IntParam> params() {
        return List.of(
            new IntParam("rows", 1, 1_000_000, 500, "Rows to extract before the transform breaks."),
            new IntParam("delay_ms", 0, 10_000, 100, "Pause between batches of 100 rows, in milliseconds."));
    }

    @Override
    public void run(JobRun run, JobParams params) {
        long rows = params.get("rows");
        Duration delay = Duration.ofMillis(params.get("delay_ms"));
        run.step("extract", "Extract Data");
        run.log(Level.INFO, "Connecting to source database orders@replica-2");
        for (long done = 0; done < rows; ) {
            run.sleep(delay);
            done = Math.min(rows, done + 100);
            run.log(Level.INFO, "Extracted " + done + "/" + rows + " rows");
            run.progress((int) (50 * done / rows));
        }

        run.step("transform", "Transform");
        run.log(Level.INFO, "Applying 4 transformations to " + rows + " rows");
        run.sleep(delay);
        run.log(Level.WARN, "Row 17: currency 'XBT' not in the rate table, using 0");
        run.sleep(delay);
        run.log(Level.ERROR, "Row 42: cannot parse '2026-13-45' as a date (column shipped_at)");
        run.log(Level.FATAL, "Transform aborted: 1 unparseable row, strict mode is on");
        throw new JobFailure("Transform failed at row 42: cannot parse '2026-13-45' as a date");
    }
}
