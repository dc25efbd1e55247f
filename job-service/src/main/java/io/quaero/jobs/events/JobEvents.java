package io.quaero.jobs.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.DispatchCommand;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.LogsDeletedEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import io.quaero.contracts.publish.QuaeroProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * How job-service says things about jobs: status changes, log lines and commands, built as
 * shared-contracts records and published through the one {@link QuaeroProducer}. Every change a
 * page shows leaves here as an event; nothing is written to the status columns directly.
 */
@Component
public class JobEvents {

    private final QuaeroProducer producer;

    public JobEvents(QuaeroProducer producer) {
        this.producer = producer;
    }

    /**
     * A status change, to the job's {@code partition} (null: none recorded yet, the partitioner
     * picks one and the caller records it with {@link JobPartitions#settle}).
     */
    public CompletableFuture<RecordMetadata> status(UUID jobId, @Nullable Integer partition, @Nullable JobStatus job,
                                                    @Nullable Integer progress, List<StepState> steps) {
        JobState state = job == null ? null : new JobState(job, progress);
        return producer.publish(new StatusEvent(UUID.randomUUID(), jobId, Instant.now(), state, steps), partition);
    }

    /** A log line, to the job's {@code partition} (as for {@link #status}). */
    public CompletableFuture<RecordMetadata> log(UUID jobId, @Nullable Integer partition, Level level, String message,
                                                 @Nullable String stepId, @Nullable String stepName, @Nullable String source) {
        return producer.publish(new LogEvent(UUID.randomUUID(), jobId, Instant.now(), level, message, stepId, stepName, source),
            partition);
    }

    /**
     * The mark of an admin's deletion of the job's logs, to the job's {@code partition} (as for
     * {@link #status}): after every line already published, so ingest deletes them all and live
     * viewers start over.
     */
    public CompletableFuture<RecordMetadata> logsDeleted(UUID jobId, @Nullable Integer partition, UUID deletionId) {
        return producer.publish(new LogsDeletedEvent(UUID.randomUUID(), jobId, Instant.now(), deletionId), partition);
    }

    public CompletableFuture<RecordMetadata> run(UUID jobId, String type, String paramsJson) {
        return producer.publish(new DispatchCommand.RunCommand(UUID.randomUUID(), jobId, Instant.now(), type, paramsJson));
    }

    public CompletableFuture<RecordMetadata> cancel(UUID jobId) {
        return producer.publish(new DispatchCommand.CancelCommand(UUID.randomUUID(), jobId, Instant.now()));
    }

    /**
     * Waits until Kafka acknowledged {@code sent} (every in-sync replica has it) and returns what it
     * said (for an event: where it landed).
     *
     * @throws PublishFailedException if it failed or took longer than {@code timeout}
     */
    public static <T> T await(CompletableFuture<T> sent, Duration timeout) {
        try {
            return sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishFailedException(e.getCause());
        } catch (TimeoutException e) {
            throw new PublishFailedException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException(e);
        }
    }

    /** Kafka did not acknowledge an event or command in time; the caller's change must not stand. */
    public static final class PublishFailedException extends RuntimeException {

        public PublishFailedException(Throwable cause) {
            super("Kafka did not acknowledge: " + cause, cause);
        }
    }
}
