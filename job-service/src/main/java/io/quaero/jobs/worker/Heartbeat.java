package io.quaero.jobs.worker;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.quaero.jobs.config.JobsProperties;
import io.quaero.jobs.lease.Periodic;
import io.quaero.jobs.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Renews the leases of the jobs running on this worker, all in one statement every
 * {@code heartbeat-interval}. The answer also carries what the worker must act on: a job whose
 * lease was taken (it lapsed and the job was failed) stops silently, and a job with a cancel
 * request stops as cancelled, even if the cancel command went to another worker after a
 * rebalance.
 */
@Component
class Heartbeat implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final JobRunner runner;
    private final JobStore store;
    private final JobsProperties props;
    private final Periodic timer;
    private int failuresInARow;

    Heartbeat(JobRunner runner, JobStore store, JobsProperties props) {
        this.runner = runner;
        this.store = store;
        this.props = props;
        this.timer = new Periodic("job-heartbeat", props.heartbeatInterval(), this::beat);
    }

    void beat() {
        Set<UUID> jobs = runner.runningJobs();
        if (jobs.isEmpty()) {
            return;
        }
        Map<UUID, Boolean> held;
        try {
            held = store.renew(props.workerId(), jobs, props.leaseTtl());
        } catch (RuntimeException e) {
            // Jobs keep running; if the database stays away past the lease, a reaper fails them.
            if (failuresInARow++ % 10 == 0) {
                log.warn("could not renew the leases of {} jobs (attempt {}): {}", jobs.size(), failuresInARow, e.toString());
            }
            return;
        }
        failuresInARow = 0;
        for (UUID id : jobs) {
            Boolean cancelRequested = held.get(id);
            if (cancelRequested == null) {
                runner.stop(id, RunningJob.Stop.LEASE_LOST);
            } else if (cancelRequested) {
                runner.stop(id, RunningJob.Stop.CANCEL);
            }
        }
    }

    @Override
    public void start() {
        if (props.workersEnabled()) {
            timer.start();
        }
    }

    @Override
    public void stop() {
        timer.stop();
    }

    @Override
    public boolean isRunning() {
        return timer.isRunning();
    }

    /** Keeps renewing while the runner ends its jobs on shutdown (stops after it). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }
}
