package io.quaero.access.limits;

import java.net.InetAddress;

import org.jspecify.annotations.Nullable;

/** IP addresses written as text (a socket's peer, an {@code X-Forwarded-For} hop, a setting), read without DNS. */
final class IpLiteral {

    private IpLiteral() {
    }

    /**
     * The address {@code text} spells ({@code 10.1.2.3}, {@code ::1}, {@code [::1]}), or null when it
     * is anything else: a host name, {@code unknown}, an obfuscated identifier, an address with a port.
     * An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) is its IPv4 address, so it counts as one.
     */
    static @Nullable InetAddress parse(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty()) {
            return null;
        }
        try {
            // Never resolves a name: anything but an IPv4 or IPv6 literal is refused.
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
