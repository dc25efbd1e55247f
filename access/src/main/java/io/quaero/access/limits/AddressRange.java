package io.quaero.access.limits;

import java.net.InetAddress;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}; a bare address
 * is the block of that one address). Parsed without any DNS lookup: a host name is refused, since
 * what a name resolves to can change under a running service.
 *
 * @param network    the block's first address (bits past the prefix are ignored)
 * @param prefixBits how many leading bits an address must share with {@code network}
 */
public record AddressRange(InetAddress network, int prefixBits) {

    public AddressRange {
        int bits = network.getAddress().length * 8;
        if (prefixBits < 0 || prefixBits > bits) {
            throw new IllegalArgumentException("a prefix of " + network.getHostAddress() + " must be 0.." + bits + ", was " + prefixBits);
        }
    }

    /**
     * Parses {@code 192.168.0.0/16}, {@code fd00::/8} or a bare address; how settings bind
     * (Spring's converters call it).
     *
     * @throws IllegalArgumentException naming the value when it is not an IP literal with an optional prefix
     */
    public static AddressRange valueOf(String text) {
        String spec = text.strip();
        int slash = spec.indexOf('/');
        InetAddress network = IpLiteral.parse(slash < 0 ? spec : spec.substring(0, slash));
        if (network == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8, ::1/128)");
        }
        int bits = network.getAddress().length * 8;
        if (slash < 0) {
            return new AddressRange(network, bits);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(spec.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length after '/'");
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("'" + text + "': the prefix length must be 0.." + bits);
        }
        return new AddressRange(network, prefix);
    }

    /** True when {@code address} is in this block (an IPv4 address is never in an IPv6 block, nor the other way). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixBits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixBits;
    }
}
