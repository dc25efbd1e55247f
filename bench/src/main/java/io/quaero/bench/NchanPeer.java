package io.quaero.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * nginx + nchan (Debian's {@code nginx} and {@code libnginx-mod-nchan}) as the reference peer,
 * measured in the same run as the gateway: one worker process (the gateway is one process), the
 * same clients, the same lines in the same 150 ms batches ({@link NchanPublisher}), the same
 * latency probe. Its CPU is its worker's, read from /proc as the gateway's is.
 */
final class NchanPeer implements AutoCloseable {

    private static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Process master;
    private final Path dir;
    private final int port;

    private NchanPeer(Process master, Path dir, int port) {
        this.master = master;
        this.dir = dir;
        this.port = port;
    }

    /** Why nginx+nchan cannot run here, or null when it can. */
    static String unavailable() {
        if (!Files.isExecutable(NGINX) || !Files.isRegularFile(MODULE)) {
            return "nginx or its nchan module is not installed (apt-get install -y nginx-light libnginx-mod-nchan)";
        }
        return null;
    }

    static NchanPeer start(Path parent, int clients) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(parent.resolve("nchan"));
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(dir.resolve("nginx.conf"), """
            load_module %s;
            worker_processes 1;
            pid %s/nginx.pid;
            daemon off;
            events { worker_connections %d; }
            http {
                access_log off;
                # A publish (one batch) stays in memory: the worker runs as an unprivileged user that
                # may not write the temporary folder.
                client_body_buffer_size 4m;
                client_max_body_size 4m;
                client_body_temp_path %s/body;
                proxy_temp_path %s/proxy;
                fastcgi_temp_path %s/fastcgi;
                uwsgi_temp_path %s/uwsgi;
                scgi_temp_path %s/scgi;
                server {
                    listen 127.0.0.1:%d;
                    location ~ ^/pub/(\\d+)$ {
                        nchan_publisher;
                        nchan_channel_id $1;
                        nchan_message_buffer_length 8;
                    }
                    location ~ ^/sub/(\\d+)$ {
                        nchan_subscriber eventsource;
                        nchan_channel_id $1;
                        nchan_eventsource_event logs;
                        nchan_subscriber_first_message oldest;
                    }
                }
            }
            """.formatted(MODULE, dir, clients + 1024, dir, dir, dir, dir, dir, port));
        var process = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
            "-c", dir.resolve("nginx.conf").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        var peer = new NchanPeer(process, dir, port);
        peer.awaitListening(Duration.ofSeconds(10));
        return peer;
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("nginx.out"))
                    + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            try (var s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port + " within " + timeout);
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The one worker process: where nchan's work is done (the master only supervises). */
    long workerPid() {
        return master.toHandle().children().findFirst()
            .orElseThrow(() -> new IllegalStateException("nginx has no worker process")).pid();
    }

    @Override
    public void close() throws InterruptedException {
        // SIGTERM: nginx's fast shutdown (a background process may ignore SIGINT).
        master.destroy();
        if (!master.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            master.destroyForcibly();
        }
    }
}
