package io.quaero.servicelog;

import java.net.InetAddress;

/**
 * The default instance name, {@code host-pid}: it tells copies of a service apart across machines
 * (host) and on one machine (pid). In a container the host name is the container's or pod's name,
 * which is what operators look for.
 */
final class InstanceName {

    private InstanceName() {
    }

    /** {@code host-pid} of this JVM, at most 200 characters. */
    static String local() {
        String suffix = "-" + ProcessHandle.current().pid();
        String host = Text.name(hostName());
        if (host == null) {
            host = "localhost";
        }
        int room = Text.MAX_NAME_LENGTH - suffix.length();
        if (host.codePointCount(0, host.length()) > room) {
            host = host.substring(0, host.offsetByCodePoints(0, room));
        }
        return host + suffix;
    }

    private static String hostName() {
        // HOSTNAME first: set in containers, and reading it cannot stall on a slow DNS.
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
