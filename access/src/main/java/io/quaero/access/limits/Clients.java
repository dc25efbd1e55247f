package io.quaero.access.limits;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import io.quaero.access.Caller;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who sent a request, for the limits: its caller, its client address, and whether it is exempt.
 *
 * <p>The client address is the socket's peer, unless that peer is a trusted proxy
 * ({@code quaero.limits.trusted-proxies}): then {@code X-Forwarded-For} is read from the right,
 * where each proxy appended the address it saw, skipping the trusted proxies, and the first hop
 * that is not one is the client. The leftmost entries are never believed for their own sake:
 * the client wrote them, and could write any address to spread its streams over many counters or
 * to use up another address's. A hop that is not an IP literal ({@code unknown}, a port, garbage)
 * ends the walk at the last trusted hop before it: a trusted proxy writes addresses, so such an
 * entry came from further out.
 */
public final class Clients {

    static final String FORWARDED_FOR = "X-Forwarded-For";

    private final List<AddressRange> trustedProxies;
    private final Set<String> exemptUsers;

    public Clients(LimitsProperties props) {
        this.trustedProxies = props.trustedProxies();
        this.exemptUsers = props.exemptUsers();
    }

    /**
     * The current request's client.
     *
     * @throws IllegalStateException outside an authenticated request ({@link Caller#require})
     */
    public Client current(HttpServletRequest request) {
        Caller caller = Caller.require();
        return new Client(caller, address(request), exemptUsers.contains(caller.name()));
    }

    /** The client address of {@code request} (see the class comment). */
    public InetAddress address(HttpServletRequest request) {
        InetAddress peer = IpLiteral.parse(request.getRemoteAddr());
        if (peer == null) {
            // The container always gives a literal; should it not, the peer's text is all there is.
            throw new IllegalStateException("the socket's peer is not an IP address: " + request.getRemoteAddr());
        }
        if (!trusted(peer)) {
            return peer;
        }
        List<String> hops = hops(request);
        InetAddress client = peer;
        for (String hop : hops.reversed()) {
            InetAddress address = IpLiteral.parse(hop);
            if (address == null) {
                return client;
            }
            client = address;
            if (!trusted(address)) {
                return address;
            }
        }
        // Every hop is a trusted proxy (a request made by the balancer itself): the outermost one.
        return client;
    }

    private boolean trusted(InetAddress address) {
        for (AddressRange range : trustedProxies) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Every hop of every {@code X-Forwarded-For} line, in order (a proxy may add a line instead of appending). */
    private static List<String> hops(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        for (String line : Collections.list(request.getHeaders(FORWARDED_FOR))) {
            for (String hop : line.split(",")) {
                hops.add(hop);
            }
        }
        return hops;
    }
}
