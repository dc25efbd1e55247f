package io.quaero.gateway.hub;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.quaero.access.limits.Client;
import org.jspecify.annotations.Nullable;

/**
 * Who may open a stream on this instance: the one place every stream takes its slot and gives it
 * back, whatever its kind (a job's, the service logs, a browser's shared connection, the jobs
 * feed) and however it ends.
 *
 * <p>Three budgets, checked together under one lock when a stream opens:
 * <ul>
 * <li>{@code max-connections}, the instance's: beyond it 503, and the client tries again, perhaps
 *     on another gateway;</li>
 * <li>{@code max-streams-per-user}, per signed-in user, and {@code max-streams-per-address}, per
 *     client address: beyond either 429, since the caller holds enough already. An exempt client
 *     ({@code quaero.limits.exempt-users}) is counted in neither.</li>
 * </ul>
 *
 * <p>Counters are per instance: with N gateways a user may hold N times the limit. Each map holds
 * only keys with streams open (an entry leaves at zero), so they are bounded by
 * {@code max-connections}, ~100 B per entry. The lock is taken once when a stream opens and once
 * when it ends, never per event.
 */
public final class Admission {

    /** What ran out. */
    public enum Limit {
        /** {@code quaero.stream.max-connections}. */
        INSTANCE,
        /** {@code quaero.stream.max-streams-per-user}. */
        USER,
        /** {@code quaero.stream.max-streams-per-address}. */
        ADDRESS
    }

    private final int maxConnections;
    private final int maxPerUser;
    private final int maxPerAddress;
    private int open;
    private final Map<Long, Integer> byUser = new HashMap<>();
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();

    Admission(int maxConnections, int maxPerUser, int maxPerAddress) {
        this.maxConnections = maxConnections;
        this.maxPerUser = maxPerUser;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * One stream's slot. {@link #release} gives it back the first time and does nothing after, so
     * however many paths a stream's end takes, it is counted out exactly once.
     */
    public final class Ticket {

        private final @Nullable Long user;
        private final @Nullable InetAddress address;
        private final AtomicBoolean released = new AtomicBoolean();

        private Ticket(@Nullable Long user, @Nullable InetAddress address) {
            this.user = user;
            this.address = address;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                leave(this);
            }
        }
    }

    /**
     * Takes a slot for a stream of {@code client}.
     *
     * @throws TooManyConnectionsException naming the budget that ran out (the per-user one first,
     *                                     then the per-address one, then the instance's)
     */
    public synchronized Ticket admit(Client client) {
        Long user = client.exempt() ? null : client.caller().userId();
        InetAddress address = client.exempt() ? null : client.address();
        if (user != null && byUser.getOrDefault(user, 0) >= maxPerUser) {
            throw new TooManyConnectionsException(Limit.USER, maxPerUser, "user " + client.caller().name());
        }
        if (address != null && byAddress.getOrDefault(address, 0) >= maxPerAddress) {
            throw new TooManyConnectionsException(Limit.ADDRESS, maxPerAddress, "address " + client.addressText());
        }
        if (open >= maxConnections) {
            throw new TooManyConnectionsException(Limit.INSTANCE, maxConnections, "this gateway");
        }
        open++;
        if (user != null) {
            byUser.merge(user, 1, Integer::sum);
        }
        if (address != null) {
            byAddress.merge(address, 1, Integer::sum);
        }
        return new Ticket(user, address);
    }

    private synchronized void leave(Ticket t) {
        open--;
        if (t.user != null) {
            // Entries leave at zero: the maps hold only who has streams open.
            byUser.computeIfPresent(t.user, (k, n) -> n == 1 ? null : n - 1);
        }
        if (t.address != null) {
            byAddress.computeIfPresent(t.address, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Streams open on this instance, of every kind. */
    public synchronized int open() {
        return open;
    }

    /** Users with streams counted here now (exempt ones are not): the per-user map's size. */
    public synchronized int usersCounted() {
        return byUser.size();
    }

    /** Client addresses with streams counted here now: the per-address map's size. */
    public synchronized int addressesCounted() {
        return byAddress.size();
    }
}
