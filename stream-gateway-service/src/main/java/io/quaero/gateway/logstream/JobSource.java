package io.quaero.gateway.logstream;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Predicate;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.JobStatus;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.JobView;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.contracts.sse.StepView;
import io.quaero.gateway.hub.Delivery;
import io.quaero.masking.JobMasks;
import io.quaero.masking.MaskValue;
import io.quaero.masking.MaskPatterns;
import io.quaero.masking.Masker;
import io.quaero.masking.PatternHistory;
import org.jspecify.annotations.Nullable;

/**
 * A job's log: its status and steps start from the snapshot and merge each change (a change names
 * only what changed); lines are numbered one after another, as ingest numbers them; a record
 * storage refused after the tail passed it has no line. Its values to mask start from those stored
 * with the snapshot and grow with each {@code mask} event after it, in the job's order, so a live
 * line is masked with exactly the values ingest masks it with (those declared before it), plus
 * the admins' patterns in force at its append time.
 */
final class JobSource implements LogSource {

    private JobView job;
    private final Map<String, StepView> steps = new LinkedHashMap<>();
    private final Predicate<Cursor> refused;
    private JobMasks masks;
    /** The admins' patterns in force at an append time (ms): {@link PatternHistory#live}. */
    private final LongFunction<MaskPatterns> patterns;

    JobSource(JobView job, List<StepView> steps, Predicate<Cursor> refused, JobMasks masks,
              LongFunction<MaskPatterns> patterns) {
        this.job = job;
        steps.forEach(s -> this.steps.put(s.id(), s));
        this.refused = refused;
        this.masks = masks;
        this.patterns = patterns;
    }

    @Override
    public StatusPayload status() {
        return new StatusPayload(job, List.copyOf(steps.values()), null);
    }

    @Override
    public void merge(StatusEvent change) {
        // Times follow ingest's rule (JobHistoryWriter), so the stream and a later snapshot agree:
        // started the first time it said running, finished when it said a terminal status.
        Instant at = change.timestamp();
        if (change.job() != null) {
            JobStatus status = change.job().status();
            Integer progress = change.job().progress() != null ? change.job().progress() : job.progress();
            job = new JobView(job.id(), status.wireName(), progress, started(job.startedAt(), status, at), finished(status, at));
        }
        for (var step : change.steps()) {
            StepView old = steps.get(step.id());
            String name = step.name() != null ? step.name() : old != null ? old.name() : null;
            steps.put(step.id(), new StepView(step.id(), name, step.status().wireName(),
                started(old == null ? null : old.startedAt(), step.status(), at), finished(step.status(), at)));
        }
    }

    private static @Nullable Instant started(@Nullable Instant before, JobStatus status, Instant at) {
        return before != null ? before : status == JobStatus.RUNNING ? at : null;
    }

    private static @Nullable Instant finished(JobStatus status, Instant at) {
        return status.isTerminal() ? at : null;
    }

    @Override
    public long lineOf(Delivery d, long lastLine) {
        return lastLine + 1;
    }

    @Override
    public boolean refused(Cursor cursor) {
        return refused.test(cursor);
    }

    @Override
    public String text(Delivery line) {
        JobMasks declared = masks;
        return line.text(declared.size(), message -> Masker.mask(message, declared, patterns.apply(line.appendedAt())));
    }

    @Override
    public void declare(MaskValue value) {
        masks = masks.with(value);
    }
}
