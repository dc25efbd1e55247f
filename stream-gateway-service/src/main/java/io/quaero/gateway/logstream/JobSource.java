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
import io.quaero.gateway.history.StatusTimes;
import io.quaero.gateway.hub.Delivery;
import io.quaero.masking.JobMasks;
import io.quaero.masking.MaskValue;
import io.quaero.masking.MaskPatterns;
import io.quaero.masking.Masker;
import io.quaero.masking.PatternHistory;
import org.jspecify.annotations.Nullable;

/**
 * A job's log: its status and steps start from the snapshot and merge each change (a change names
 * only what changed), by ingest's rule ({@code StatusMerge}): every change in the job's partition
 * order, but a copy ingest made from another partition only where it is not older, by the
 * producer's time, than the state in force, so the stream shows the state the database keeps;
 * lines are numbered one after another, as ingest numbers them; a record
 * storage refused after the tail passed it has no line. Its values to mask start from those stored
 * with the snapshot and grow with each {@code mask} event after it, in the job's order, so a live
 * line is masked with exactly the values ingest masks it with (those declared before it), plus
 * the admins' patterns in force at its append time.
 */
final class JobSource implements LogSource {

    private JobView job;
    /** When the producer gave the job its state, or null: unknown. */
    private @Nullable Instant jobAt;
    /** The job's steps in the order they appeared, each with its time (null: unknown); as many as the job has. */
    private final Map<String, Step> steps = new LinkedHashMap<>();
    private final Predicate<Cursor> refused;
    private JobMasks masks;
    /** The admins' patterns in force at an append time (ms): {@link PatternHistory#live}. */
    private final LongFunction<MaskPatterns> patterns;

    private record Step(StepView view, @Nullable Instant at) {
    }

    JobSource(JobView job, List<StepView> steps, StatusTimes times, Predicate<Cursor> refused, JobMasks masks,
              LongFunction<MaskPatterns> patterns) {
        this.job = job;
        this.jobAt = times.job();
        steps.forEach(s -> this.steps.put(s.id(), new Step(s, times.steps().get(s.id()))));
        this.refused = refused;
        this.masks = masks;
        this.patterns = patterns;
    }

    @Override
    public StatusPayload status() {
        return new StatusPayload(job, steps.values().stream().map(Step::view).toList(), null);
    }

    @Override
    public void merge(StatusEvent change, boolean copy) {
        // Ingest's rules (StatusMerge), so the stream and a later snapshot agree: the state is the
        // latest in the partition's order unless a copy is older than it; started is the earliest
        // time it said running (an older copy's too), finished when it said a terminal status.
        Instant at = change.timestamp();
        if (change.job() != null) {
            JobStatus status = change.job().status();
            if (takesEffect(copy, at, jobAt)) {
                Integer progress = change.job().progress() != null ? change.job().progress() : job.progress();
                job = new JobView(job.id(), status.wireName(), progress, started(job.startedAt(), status, at), finished(status, at));
                jobAt = at;
            } else {
                job = new JobView(job.id(), job.status(), job.progress(), started(job.startedAt(), status, at), job.finishedAt());
            }
        }
        for (var step : change.steps()) {
            Step old = steps.get(step.id());
            if (old != null && !takesEffect(copy, at, old.at())) {
                StepView v = old.view();
                steps.put(step.id(), new Step(new StepView(v.id(), v.name(), v.status(), started(v.startedAt(), step.status(), at),
                    v.finishedAt()), old.at()));
                continue;
            }
            String name = step.name() != null ? step.name() : old != null ? old.view().name() : null;
            steps.put(step.id(), new Step(new StepView(step.id(), name, step.status().wireName(),
                started(old == null ? null : old.view().startedAt(), step.status(), at), finished(step.status(), at)), at));
        }
    }

    /** A change in the job's partition order always does; a copy, unless older than the state in force. */
    private static boolean takesEffect(boolean copy, Instant at, @Nullable Instant inForce) {
        return !copy || inForce == null || !at.isBefore(inForce);
    }

    /** The earliest time it said running. */
    private static @Nullable Instant started(@Nullable Instant before, JobStatus status, Instant at) {
        if (status != JobStatus.RUNNING) {
            return before;
        }
        return before == null || at.isBefore(before) ? at : before;
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
