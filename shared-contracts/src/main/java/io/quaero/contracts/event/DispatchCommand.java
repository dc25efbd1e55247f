package io.quaero.contracts.event;

import java.time.Instant;
import java.util.UUID;

/**
 * A command on {@link io.quaero.contracts.Topics#JOB_DISPATCH}, keyed by job id: every command of
 * a job lands in one partition, so the worker that took the job's {@link RunCommand} is the one
 * that sees its {@link CancelCommand}, in that order. Sealed for exhaustive switches.
 */
public sealed interface DispatchCommand permits DispatchCommand.RunCommand, DispatchCommand.CancelCommand {

    /** Unique per command; a worker may see a command twice (consumer redelivery). */
    UUID commandId();

    /** The job the command is about; also the record key. */
    UUID jobId();

    /** When job-service issued it. */
    Instant timestamp();

    /**
     * Run a job of a built-in type.
     *
     * @param jobType a type the workers know, e.g. {@code "demo"} (non-blank, at most 200 characters)
     * @param paramsJson the job's parameters as a JSON object, already validated by job-service
     */
    record RunCommand(UUID commandId, UUID jobId, Instant timestamp, String jobType, String paramsJson)
            implements DispatchCommand {

        public RunCommand {
            DispatchCommand.checkCommon(commandId, jobId, timestamp);
            java.util.Objects.requireNonNull(jobType, "job_type");
            java.util.Objects.requireNonNull(paramsJson, "params");
            Wire.checkText("job_type", jobType);
        }
    }

    /** Stop the job if it is running here; a no-op for a worker that does not run it. */
    record CancelCommand(UUID commandId, UUID jobId, Instant timestamp) implements DispatchCommand {

        public CancelCommand {
            DispatchCommand.checkCommon(commandId, jobId, timestamp);
        }
    }

    private static void checkCommon(UUID commandId, UUID jobId, Instant timestamp) {
        java.util.Objects.requireNonNull(commandId, "command_id");
        java.util.Objects.requireNonNull(jobId, "job_id");
        java.util.Objects.requireNonNull(timestamp, "timestamp");
        Wire.checkTimestamp(timestamp);
    }
}
