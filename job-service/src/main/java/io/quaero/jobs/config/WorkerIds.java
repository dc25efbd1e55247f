package io.quaero.jobs.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The default worker id: host name and process id, unique among running workers. */
final class WorkerIds {

    private WorkerIds() {
    }

    static String local() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String id = host + "-" + ProcessHandle.current().pid();
        return id.length() <= 200 ? id : id.substring(0, 200);
    }
}
