package io.quaero.dev.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.quaero.contracts.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WindowType;

/**
 * Three tabs of one origin, each on a job page with the service-logs panel: over HTTP/1.1 a
 * browser opens six connections per origin, and two per tab would leave a fourth tab without
 * any. The tabs share one service stream (a leader tab holds it, the others get its lines over
 * BroadcastChannel), so three tabs cost four connections, and all of them stream.
 */
class TabsBrowserTest extends BrowserTest {

    @Test
    void threeTabsOnOneOriginAllStreamSharingOneServiceStream() {
        int before = stack.gatewayConnections();
        List<UUID> jobs = new ArrayList<>();
        List<String> tabs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID job = stack.createJob("{\"type\":\"browser-tab-" + i + "\",\"executor\":\"external\"}");
            jobs.add(job);
            if (i > 0) {
                browser.driver().switchTo().newWindow(WindowType.TAB);
            }
            browser.open(stack.url("/jobs/" + job));
            tabs.add(browser.driver().getWindowHandle());
            eventually(() -> text("connection-status").equals("Live"));
        }
        eventually(() -> stack.gatewayConnections() - before == 4);

        String marker = "tabs-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            stack.publishLogs(jobs.get(i), Level.INFO, "s", lines("tab " + i, 20));
        }
        stack.publishServiceLog(Level.WARN, marker);
        for (int i = 0; i < 3; i++) {
            browser.driver().switchTo().window(tabs.get(i));
            String expected = "tab " + i + " 20";
            eventually(() -> rows("log-container").size() == 20 && rows("log-container").getLast().get("message").equals(expected));
            eventually(() -> panelHas(marker));
            browser.screenshot("tab-" + (i + 1));
        }

        // The leader tab closes: another tab takes the service stream over and keeps streaming.
        browser.driver().switchTo().window(tabs.getFirst());
        browser.driver().close();
        String after = marker + " after the leader left";
        stack.publishServiceLog(Level.WARN, after);
        for (String tab : tabs.subList(1, 3)) {
            browser.driver().switchTo().window(tab);
            eventually(() -> panelHas(after));
        }
        eventually(() -> stack.gatewayConnections() - before == 3);
    }

    private boolean panelHas(String message) {
        if (!browser.byTestId("service-logs-content").isDisplayed()) {
            browser.byTestId("service-logs-toggle").click();
        }
        return rows("service-logs-entries").stream().anyMatch(r -> r.get("message").equals(message));
    }

    private static List<String> lines(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i).toList();
    }
}
