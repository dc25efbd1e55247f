package io.quaero.dev.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.quaero.contracts.Level;
import io.quaero.gateway.StreamGatewayApplication;
import io.quaero.infra.ServiceProcess;
import io.quaero.infra.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two stream gateways, each its own process, behind nginx with the deployment's config
 * (deploy/nginx.conf): a page loaded through the balancer keeps streaming when the gateway
 * serving it dies — the browser reconnects through nginx to the other one and resumes exactly.
 */
class ClusterBrowserTest extends BrowserTest {

    private final List<Process> gateways = new ArrayList<>();
    private final List<Integer> gatewayPorts = new ArrayList<>();
    private Nginx nginx;

    @AfterEach
    void stopCluster() {
        if (nginx != null) {
            nginx.close();
        }
        gateways.forEach(Process::destroy);
    }

    @Test
    void aPageBehindTheBalancerResumesExactlyOnAnotherGatewayWhenItsGatewayDies() throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(Nginx.available()).as("nginx (Debian package nginx-light); .ci/run installs it").isTrue();
        }
        for (int i = 0; i < 2; i++) {
            gatewayPorts.add(freePort());
            gateways.add(startGateway(i));
        }
        gatewayPorts.forEach(port -> eventually(() -> healthy(port)));
        int lbPort = freePort();
        String stackAddress = URI.create(stack.url("/")).getAuthority().replace("localhost", "127.0.0.1");
        nginx = Nginx.start(lbPort, gatewayPorts.stream().map(p -> "127.0.0.1:" + p).toList(), stackAddress, stackAddress);
        String lb = "http://127.0.0.1:" + lbPort;
        eventually(() -> status(lb + "/jobs") == 200);

        UUID job = stack.createJob("{\"type\":\"browser-cluster\",\"executor\":\"external\"}");
        stack.publishLogs(job, Level.INFO, "s", lines("first", 30));
        browser.open(lb + "/jobs/" + job);
        eventually(() -> rows("log-container").size() == 30);

        // Each gateway dies in turn (the page is on one of them); nginx sends the reconnect to the other.
        for (int round = 0; round < 2; round++) {
            gateways.get(round).destroyForcibly().waitFor();
            stack.publishLogs(job, Level.INFO, "s", lines("round " + round, 30));
            int expected = 60 + 30 * round;
            eventually(() -> rows("log-container").size() == expected);
            gateways.set(round, startGateway(round));
            int port = gatewayPorts.get(round);
            eventually(() -> healthy(port));
        }
        assertThat(rows("log-container")).extracting(r -> r.get("line"))
            .containsExactlyElementsOf(IntStream.rangeClosed(1, 90).mapToObj(String::valueOf).toList());
        assertThat(text("connection-status")).isEqualTo("Live");
        browser.screenshot("job-page-behind-nginx");
    }

    private Process startGateway(int i) throws IOException {
        return ServiceProcess.start(StreamGatewayApplication.class, TestInfrastructure.shared().endpoints(),
            new File("target/cluster-gateway-" + i + ".log"), List.of("--server.port=" + gatewayPorts.get(i)));
    }

    private static boolean healthy(int port) {
        return status("http://127.0.0.1:" + port + "/actuator/health") == 200;
    }

    private static int status(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static List<String> lines(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i).toList();
    }
}
