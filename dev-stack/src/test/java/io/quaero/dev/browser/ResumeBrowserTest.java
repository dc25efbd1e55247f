package io.quaero.dev.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.quaero.contracts.Level;
import org.junit.jupiter.api.Test;

/**
 * The gateway restarts under an open page (here the whole dev stack, gateway included, on the
 * same origin): the browser's EventSource reconnects with Last-Event-ID and the page ends up with
 * every line exactly once, in order, including those logged while the gateway was down.
 */
class ResumeBrowserTest extends BrowserTest {

    @Test
    void afterAGatewayRestartThePageResumesWithoutDuplicateOrMissingLines() {
        UUID job = stack.createJob("{\"type\":\"browser-resume\",\"executor\":\"external\"}");
        stack.publishLogs(job, Level.INFO, "s", lines("before", 40));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("log-counts").equals("40 lines"));

        stack.stopServices();
        eventually(() -> text("connection-status").equals("Disconnected"));
        stack.publishLogs(job, Level.INFO, "s", lines("while down", 30));
        browser.screenshot("job-page-gateway-down");
        stack.startServices();

        eventually(() -> text("log-counts").equals("70 lines") && text("connection-status").equals("Live"));
        stack.publishLogs(job, Level.INFO, "s", lines("after", 30));
        eventually(() -> text("log-counts").equals("100 lines"));
        // Every line once, in order: 40 before, 30 logged while the gateway was down, 30 after,
        // all brought by the stream (none had to be read by range).
        List<Map<String, String>> all = allRows();
        assertThat(all).extracting(r -> r.get("line"))
            .containsExactlyElementsOf(IntStream.rangeClosed(1, 100).mapToObj(String::valueOf).toList());
        assertThat(all.get(40).get("message")).isEqualTo("while down 1");
        assertThat(rangeReads()).isZero();
        browser.screenshot("job-page-after-gateway-restart");
    }

    private static List<String> lines(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i).toList();
    }
}
