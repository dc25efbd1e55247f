package io.quaero.jobs.limits;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.quaero.access.limits.Client;
import io.quaero.jobs.config.JobsProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/*
 * Implementation notes. A token bucket per user, kept as one number: the instant the user's
 * bucket is full again (the generic cell rate algorithm, GCRA). A creation at `now` is allowed
 * when that instant is at most (burst - 1) intervals ahead of now, and moves it one interval
 * further; otherwise the caller is told how long until it would be allowed. A user whose instant
 * has passed holds a full bucket, exactly as one never seen: such entries carry no information
 * and are dropped when the map is full. So the map holds only users who created a job within the
 * last burst × interval (10 s at the defaults), at most MAX_USERS of them.
 *
 * Per instance, in memory: with N job-service instances a user may create N times as fast. The
 * lock is held for a map lookup per job creation, which is not a hot path.
 */

/**
 * The per-user rate of job creation ({@code quaero.jobs.creation-burst} and
 * {@code creation-interval}): beyond it {@link TooManyJobsException}, answered 429 with
 * {@code Retry-After}. Exempt users ({@code quaero.limits.exempt-users}) are not counted.
 */
@Component
public class CreationRate {

    /**
     * Users with a bucket that is not full, kept at most (~100 B each: 10,000 keep it under ~1 MB).
     * Past it a user not yet in the map is refused until buckets refill: more users than that
     * creating jobs within one burst is not a load this limit was made for.
     */
    static final int MAX_USERS = 10_000;

    private final long intervalNanos;
    /** How far ahead of now a bucket's "full again" instant may be and still allow a creation. */
    private final long toleranceNanos;
    private final LongSupplier nanoTime;
    private final int maxUsers;
    /** User id to the instant (nanoTime) their bucket is full again; only instants still ahead matter. */
    private final Map<Long, Long> fullAgainAt = new HashMap<>();

    @Autowired
    public CreationRate(JobsProperties props) {
        this(props.creationBurst(), props.creationInterval(), System::nanoTime, MAX_USERS);
    }

    /** With its own clock and capacity, so a test drives time instead of sleeping. */
    CreationRate(int burst, Duration interval, LongSupplier nanoTime, int maxUsers) {
        this.intervalNanos = interval.toNanos();
        this.toleranceNanos = (burst - 1) * intervalNanos;
        this.nanoTime = nanoTime;
        this.maxUsers = maxUsers;
    }

    /**
     * Takes one creation from {@code client}'s bucket.
     *
     * @throws TooManyJobsException when the bucket is empty, saying when the next creation is allowed
     */
    public synchronized void take(Client client) {
        if (client.exempt()) {
            return;
        }
        long now = nanoTime.getAsLong();
        long user = client.caller().userId();
        Long known = fullAgainAt.get(user);
        // Compared as differences: nanoTime may wrap.
        long from = known == null || known - now < 0 ? now : known;
        long waitNanos = from - now - toleranceNanos;
        if (waitNanos > 0) {
            throw new TooManyJobsException("user " + client.caller().name() + " creates jobs faster than allowed "
                + "(quaero.jobs.creation-burst, creation-interval); the next one in " + seconds(waitNanos) + " s", seconds(waitNanos));
        }
        if (known == null && fullAgainAt.size() >= maxUsers) {
            long soonest = dropFull(now);
            if (fullAgainAt.size() >= maxUsers) {
                throw new TooManyJobsException("more than " + maxUsers + " users are creating jobs at this moment; retry in "
                    + seconds(soonest) + " s", seconds(soonest));
            }
        }
        fullAgainAt.put(user, from + intervalNanos);
    }

    /** Users tracked now (tests check the bound). */
    synchronized int usersTracked() {
        return fullAgainAt.size();
    }

    /** Drops the users whose bucket is full again; returns how long until the next one will be. */
    private long dropFull(long now) {
        fullAgainAt.values().removeIf(at -> at - now <= 0);
        long soonest = Long.MAX_VALUE;
        for (long at : fullAgainAt.values()) {
            soonest = Math.min(soonest, at - now);
        }
        return soonest;
    }

    /** Whole seconds, rounded up, at least 1: what {@code Retry-After} can say. */
    private static long seconds(long nanos) {
        return Math.max(1, (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }
}
