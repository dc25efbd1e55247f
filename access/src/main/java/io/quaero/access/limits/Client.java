package io.quaero.access.limits;

import java.net.InetAddress;

import io.quaero.access.Caller;

/**
 * Whom a request's limits count: the signed-in caller, the client's address, and whether the
 * caller is one of {@code quaero.limits.exempt-users}.
 *
 * @param address the socket's peer, or behind a trusted balancer the client it names ({@link Clients})
 * @param exempt  true when no per-user or per-address limit applies to this request
 */
public record Client(Caller caller, InetAddress address, boolean exempt) {

    /** The address as the messages and the docs write it. */
    public String addressText() {
        return address.getHostAddress();
    }
}
