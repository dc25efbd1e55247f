package io.quaero.dev.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * nginx running {@code deploy/nginx.conf} — the load balancer config of docker-compose.yml — with
 * its upstreams pointed at local processes and its files kept in a temporary folder.
 */
final class Nginx implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/nginx");
    private static final Path CONFIG = Path.of("../deploy/nginx.conf");

    private final Process process;

    private Nginx(Process process) {
        this.process = process;
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * @param port      where it listens
     * @param gateways  host:port of each stream gateway
     * @param jobs      host:port of job-service
     * @param web       host:port of web-ui
     */
    static Nginx start(int port, List<String> gateways, String jobs, String web) {
        try {
            Path dir = Files.createTempDirectory("quaero-nginx");
            String config = Files.readString(CONFIG)
                .replace("upstream gateway { server gateway-1:8081; server gateway-2:8081; keepalive 64; }",
                    "upstream gateway { " + gateways.stream().map(g -> "server " + g + " max_fails=1 fail_timeout=2s;")
                        .reduce("", String::concat) + " keepalive 64; }")
                .replace("server job-service:8083;", "server " + jobs + ";")
                .replace("server web-ui:8080;", "server " + web + ";")
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
                .replace("http {", "http {\n    access_log off;\n"
                    + "    client_body_temp_path " + dir + "/body; proxy_temp_path " + dir + "/proxy;\n"
                    + "    fastcgi_temp_path " + dir + "/fastcgi; uwsgi_temp_path " + dir + "/uwsgi; scgi_temp_path " + dir + "/scgi;\n");
            if (!config.contains("127.0.0.1:" + port) || config.contains("gateway-1:8081")) {
                throw new IllegalStateException("deploy/nginx.conf changed shape; update Nginx.start");
            }
            Files.writeString(dir.resolve("nginx.conf"), "pid " + dir + "/nginx.pid;\n" + config);
            Process p = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(new File("target/nginx.log")).start();
            return new Nginx(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
