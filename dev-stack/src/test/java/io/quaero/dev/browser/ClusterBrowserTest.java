package io.quaero.dev.browser;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.quaero.contracts.Level;
import io.quaero.dev.cluster.Balancer;
import io.quaero.dev.cluster.LocalCertificate;
import io.quaero.dev.cluster.Node;
import io.quaero.gateway.StreamGatewayApplication;
import io.quaero.infra.FreePorts;
import io.quaero.infra.ServiceProcess;
import io.quaero.infra.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WindowType;

/**
 * Two stream gateways, each its own process, behind nginx with the deployment's own config
 * (deploy/nginx, HTTPS and HTTP/2, a certificate made for the run): a page loaded through the
 * balancer keeps streaming when the gateway serving it dies — the browser reconnects through nginx
 * to the other one and resumes exactly — and ten job tabs all stream, each on its own request,
 * because HTTP/2 carries them all on one TCP connection.
 */
class ClusterBrowserTest extends BrowserTest {

    private final List<Process> gateways = new ArrayList<>();
    private final List<Integer> gatewayPorts = new ArrayList<>();
    private Node nginx;
    private String lb;

    @BeforeEach
    void startBalancedGateways() throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(Balancer.NGINX).as("nginx (Debian package nginx-light); .ci/run installs it").isExecutable();
        }
        for (int i = 0; i < 2; i++) {
            gatewayPorts.add(FreePorts.pick());
            gateways.add(startGateway(i));
        }
        gatewayPorts.forEach(port -> eventually(() -> healthy(port)));
        int stackPort = URI.create(stack.url("/")).getPort();
        Path runDir = Path.of("target/balancer-" + UUID.randomUUID());
        Path tls = Path.of("target/balancer-tls");
        Path cert = LocalCertificate.ensure(tls);
        int lbPort = FreePorts.pick();
        nginx = Balancer.configure(Path.of("../deploy/nginx"), runDir.toAbsolutePath(), tls,
            new Balancer.Upstreams(lbPort, gatewayPorts, stackPort, stackPort));
        nginx.start();
        lb = "https://localhost:" + lbPort;
        var https = HttpClient.newBuilder().sslContext(LocalCertificate.trusting(cert)).build();
        eventually(() -> status(https, lb + "/signin") == 200);
    }

    @AfterEach
    void stopBalancedGateways() throws InterruptedException {
        if (nginx != null) {
            nginx.stop();
        }
        gateways.forEach(Process::destroy);
    }

    @Test
    void aPageBehindTheBalancerResumesExactlyOnAnotherGatewayWhenItsGatewayDies() throws Exception {
        UUID job = stack.createJob("{\"type\":\"browser-cluster\",\"executor\":\"external\"}");
        stack.publishLogs(job, Level.INFO, "s", lines("first", 30));
        browser.open(lb + "/jobs/" + job);
        eventually(() -> text("log-counts").equals("30 lines"));
        assertThat(browser.js("return performance.getEntriesByType('navigation')[0].nextHopProtocol"))
            .as("the balancer speaks HTTP/2 to the browser").isEqualTo("h2");

        // Each gateway dies in turn (the page is on one of them); nginx sends the reconnect to the other.
        for (int round = 0; round < 2; round++) {
            gateways.get(round).destroyForcibly().waitFor();
            stack.publishLogs(job, Level.INFO, "s", lines("round " + round, 30));
            int expected = 60 + 30 * round;
            eventually(() -> text("log-counts").equals(expected + " lines"));
            gateways.set(round, startGateway(round));
            int port = gatewayPorts.get(round);
            eventually(() -> healthy(port));
        }
        assertThat(allRows()).extracting(r -> r.get("line"))
            .containsExactlyElementsOf(IntStream.rangeClosed(1, 90).mapToObj(String::valueOf).toList());
        assertThat(rangeReads()).as("every line came with the stream").isZero();
        assertThat(text("connection-status")).isEqualTo("Live");
        browser.screenshot("job-page-behind-nginx");
    }

    @Test
    void tenJobTabsThroughTheHttp2BalancerAllStreamEachOnItsOwnRequest() {
        List<UUID> jobs = new ArrayList<>();
        List<String> tabs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            UUID job = stack.createJob("{\"type\":\"browser-h2-tab-" + i + "\",\"executor\":\"external\"}");
            jobs.add(job);
            if (i > 0) {
                browser.driver().switchTo().newWindow(WindowType.TAB);
            }
            browser.open(lb + "/jobs/" + job);
            tabs.add(browser.driver().getWindowHandle());
            eventually(() -> text("connection-status").equals("Live"));
        }
        for (int i = 0; i < 10; i++) {
            stack.publishLogs(jobs.get(i), Level.INFO, "s", lines("tab " + i, 20));
        }
        for (int i = 0; i < 10; i++) {
            browser.driver().switchTo().window(tabs.get(i));
            String expected = "tab " + i + " 20";
            eventually(() -> rows("log-container").size() == 20 && rows("log-container").getLast().get("message").equals(expected));
            // Over HTTP/2 the library gives each job its own EventSource (which the balancer can
            // route by itself) instead of relaying through a leader tab's shared connection.
            assertThat(browser.js("return performance.getEntriesByType('navigation')[0].nextHopProtocol")).isEqualTo("h2");
        }
        browser.screenshot("ten-tabs-behind-nginx");
    }

    private Process startGateway(int i) throws IOException {
        return ServiceProcess.start(StreamGatewayApplication.class, TestInfrastructure.shared().endpoints(),
            new File("target/cluster-gateway-" + i + ".log"), List.of("--server.port=" + gatewayPorts.get(i),
                "--quaero.access.session-keys=" + TestCallers.SESSION_KEYS));
    }

    private static boolean healthy(int port) {
        return status(HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/actuator/health") == 200;
    }

    private static int status(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static List<String> lines(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i).toList();
    }
}
