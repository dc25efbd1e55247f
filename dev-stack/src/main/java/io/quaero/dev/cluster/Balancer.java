package io.quaero.dev.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * nginx in front of a cluster, with the deployment's own {@code deploy/nginx/nginx.conf} — the
 * file docker-compose.yml runs — and beside it what differs here: {@code upstreams.conf} (the
 * local processes' ports, and nginx's own files kept in the run directory) and {@code listen.conf}
 * (the port on loopback). nginx reads its certificate from {@code tls/}, a link to the cluster's.
 */
public final class Balancer {

    public static final Path NGINX = Path.of("/usr/sbin/nginx");

    /**
     * Where the balancer listens and where it sends requests, all on 127.0.0.1.
     *
     * @param port     HTTPS and HTTP/2
     * @param gateways each stream gateway's port
     * @param jobs     job-service's port
     * @param web      web-ui's port
     */
    public record Upstreams(int port, List<Integer> gateways, int jobs, int web) {
        public Upstreams {
            gateways = List.copyOf(gateways);
        }
    }

    private Balancer() {
    }

    /**
     * Writes the configuration into {@code runDir/nginx} and returns the node that runs nginx on it.
     *
     * @param deployDir the repository's {@code deploy/nginx}
     * @param tlsDir    folder of {@code cert.pem} and {@code key.pem}
     */
    public static Node configure(Path deployDir, Path runDir, Path tlsDir, Upstreams upstreams) throws IOException {
        if (!Files.isExecutable(NGINX)) {
            throw new IllegalStateException(NGINX + " not found: install Debian's nginx-light (apt-get install nginx-light)");
        }
        Path dir = runDir.resolve("nginx");
        Files.createDirectories(dir);
        Files.copy(deployDir.resolve("nginx.conf"), dir.resolve("nginx.conf"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("upstreams.conf"), upstreamsConf(dir, upstreams));
        Files.writeString(dir.resolve("listen.conf"), "listen 127.0.0.1:" + upstreams.port() + " ssl http2;\n");
        Path tls = dir.resolve("tls");
        Files.deleteIfExists(tls);
        Files.createSymbolicLink(tls, tlsDir.toAbsolutePath());
        List<String> command = List.of(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
            "-e", dir.resolve("error.log").toString(), "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";");
        return new Node("nginx", command, Map.of(), runDir);
    }

    /**
     * Rewrites {@code upstreams.conf} and has the running nginx load it (SIGHUP: new workers with
     * the new upstreams; old ones finish their requests, at most {@code worker_shutdown_timeout}).
     */
    static void reload(Node nginx, Path runDir, Upstreams upstreams) throws IOException, InterruptedException {
        Path dir = runDir.resolve("nginx");
        Files.writeString(dir.resolve("upstreams.conf"), upstreamsConf(dir, upstreams));
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(nginx.pid())).inheritIO().start();
        if (hup.waitFor() != 0) {
            throw new IOException("could not signal nginx (pid " + nginx.pid() + ") to reload");
        }
    }

    private static String upstreamsConf(Path dir, Upstreams upstreams) {
        String gateways = upstreams.gateways().stream()
            .map(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=2s;\n").collect(Collectors.joining());
        return """
            # Written by Balancer (./quaero cluster, tests): the local processes, and nginx's own files in the run directory.
            upstream gateway {
            %s    keepalive 64;
                keepalive_timeout 5s;
            }
            upstream gateway_by_partition {
                hash $arg_partition consistent;
            %s    keepalive 64;
                keepalive_timeout 5s;
            }
            upstream jobs { server 127.0.0.1:%d; keepalive 16; }
            upstream web  { server 127.0.0.1:%d; keepalive 16; }
            access_log off;
            client_body_temp_path %s/body;
            proxy_temp_path %s/proxy;
            fastcgi_temp_path %s/fastcgi;
            uwsgi_temp_path %s/uwsgi;
            scgi_temp_path %s/scgi;
            """.formatted(gateways, gateways, upstreams.jobs(), upstreams.web(), dir, dir, dir, dir, dir);
    }
}
