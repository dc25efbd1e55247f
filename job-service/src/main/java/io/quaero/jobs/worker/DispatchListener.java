package io.quaero.jobs.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.DispatchCommand;
import io.quaero.contracts.event.RecordRules;
import io.quaero.jobs.api.BadRequestException;
import io.quaero.jobs.catalog.JobCatalog;
import io.quaero.jobs.catalog.JobParams;
import io.quaero.jobs.catalog.JobType;
import io.quaero.jobs.config.JobsProperties;
import io.quaero.jobs.config.JobsKafkaConfiguration;
import io.quaero.jobs.events.JobEvents;
import io.quaero.jobs.store.JobStore;
import io.quaero.servicelog.JobMdc;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in workers' end of {@code quaero.job-dispatch} (consumer group {@code
 * quaero-workers}). A run command is committed once its job is claimed here, started or found
 * to be someone else's; a cancel command stops the job if it runs here.
 *
 * <p>When every slot is busy the consumer waits up to {@code dispatch-wait}, then the command is
 * redelivered (with back-off): it stays in Kafka, and after a rebalance another worker may take it.
 */
@Component
class DispatchListener {

    private static final Logger log = LoggerFactory.getLogger(DispatchListener.class);

    private final RecordRules rules = new RecordRules(RecordRules.DEFAULT_MAX_MESSAGE_BYTES);
    private final JsonMapper json = JsonMapper.builder().build();
    private final JobCatalog catalog;
    private final JobRunner runner;
    private final JobStore store;
    private final JobEvents events;
    private final JobsProperties props;

    DispatchListener(JobCatalog catalog, JobRunner runner, JobStore store, JobEvents events, JobsProperties props) {
        this.catalog = catalog;
        this.runner = runner;
        this.store = store;
        this.events = events;
        this.props = props;
    }

    @KafkaListener(id = "quaero-dispatch", idIsGroup = false, topics = Topics.JOB_DISPATCH,
        containerFactory = JobsKafkaConfiguration.DISPATCH_FACTORY)
    void onCommand(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        // The shared rules (total: any bad command is an InvalidEventException, dead-lettered by
        // the error handler without retries, so the consumer never stops on one).
        DispatchCommand command = rules.dispatch(record.key(), record.value());
        try (var ignored = JobMdc.put(command.jobId())) {
            switch (command) {
                case DispatchCommand.RunCommand run -> run(run);
                case DispatchCommand.CancelCommand cancel -> {
                    if (runner.stop(cancel.jobId(), RunningJob.Stop.CANCEL)) {
                        log.info("job {}: cancel received, stopping it", cancel.jobId());
                    }
                }
            }
        }
    }

    private void run(DispatchCommand.RunCommand run) throws InterruptedException {
        UUID id = run.jobId();
        if (!runner.reserve(props.dispatchWait())) {
            throw new IllegalStateException("no free job slot on worker " + props.workerId()
                + " within " + props.dispatchWait() + "; the command will be redelivered");
        }
        boolean started = false;
        try {
            switch (store.claim(id, props.workerId(), props.leaseTtl())) {
                case NOT_VISIBLE -> {
                    // The command is sent inside the transaction that creates the job, so it can
                    // arrive before that commits: the row is not visible yet. Redelivered (with
                    // back-off) until it is, for as long as that transaction could still commit;
                    // after that the job was never created (and the pending-timeout backstop ends
                    // any job whose command is lost some other way).
                    if (Duration.between(run.timestamp(), Instant.now()).compareTo(props.publishTimeout().multipliedBy(3)) < 0) {
                        throw new IllegalStateException("job " + id + " is not committed yet; the command will be redelivered");
                    }
                    log.warn("job {}: run command ignored, no such job {} after it was sent", id,
                        props.publishTimeout().multipliedBy(3));
                }
                case NOT_AVAILABLE -> log.debug("job {}: already taken or ended; command ignored", id);
                case CANCELLED_WHILE_QUEUED -> endHere(id, JobStatus.CANCELLED, Level.WARN, "Cancelled before it started");
                case CLAIMED -> {
                    JobType type = catalog.find(run.jobType()).orElse(null);
                    JobParams params = null;
                    String problem = null;
                    if (type == null) {
                        problem = "worker " + props.workerId() + " does not know job type '" + run.jobType() + "'";
                    } else {
                        try {
                            params = JobCatalog.validate(type, json.readTree(run.paramsJson()));
                        } catch (BadRequestException e) {
                            problem = "invalid params for '" + run.jobType() + "': " + e.getMessage();
                        }
                    }
                    if (problem != null) {
                        endHere(id, JobStatus.FAILED, Level.FATAL, problem);
                    } else {
                        runner.start(id, store.partition(id), type, params);
                        started = true;
                    }
                }
            }
        } finally {
            if (!started) {
                runner.unreserve();
            }
        }
    }

    /** Ends a claimed job without running it: a last line, the status, and the lease handed back. */
    private void endHere(UUID id, JobStatus status, Level level, String line) {
        // A built-in job's partition is recorded when it is created.
        Integer partition = store.partition(id);
        JobEvents.await(events.log(id, partition, level, line, null, null, props.workerId()), props.publishTimeout());
        JobEvents.await(events.status(id, partition, status, null, List.of()), props.publishTimeout());
        store.release(id, props.workerId());
        log.info("job {} {}: {}", id, status.wireName(), line);
    }
}
