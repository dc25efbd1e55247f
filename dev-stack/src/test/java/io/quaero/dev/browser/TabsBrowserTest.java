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
 * Ten tabs of one origin, each on a job page with the service-logs panel, over plain HTTP/1.1: a
 * browser opens only six connections per origin, so one stream per tab would leave the seventh tab
 * without even its page. The tabs share one connection (a leader tab holds it with every tab's
 * channels and relays their events over BroadcastChannel): all ten load and stream, and when the
 * leader closes another tab takes the connection over and every channel goes on.
 */
class TabsBrowserTest extends BrowserTest {

    private static final int TABS = 10;

    @Test
    void tenTabsOnOneOriginAllStreamOnOneConnection() {
        int before = stack.gatewayConnections();
        List<UUID> jobs = new ArrayList<>();
        List<String> tabs = new ArrayList<>();
        for (int i = 0; i < TABS; i++) {
            UUID job = stack.createJob("{\"type\":\"browser-tab-" + i + "\",\"executor\":\"external\"}");
            jobs.add(job);
            if (i > 0) {
                browser.driver().switchTo().newWindow(WindowType.TAB);
            }
            browser.open(stack.url("/jobs/" + job));
            tabs.add(browser.driver().getWindowHandle());
            eventually(() -> text("connection-status").equals("Live"));
        }
        eventually(() -> stack.gatewayConnections() - before == 1);

        String marker = "tabs-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < TABS; i++) {
            stack.publishLogs(jobs.get(i), Level.INFO, "s", lines("tab " + i, 20));
        }
        stack.publishServiceLog(Level.WARN, marker);
        for (int i = 0; i < TABS; i++) {
            browser.driver().switchTo().window(tabs.get(i));
            String expected = "tab " + i + " 20";
            eventually(() -> rows("log-container").size() == 20 && rows("log-container").getLast().get("message").equals(expected));
            eventually(() -> panelHas(marker));
            if (i < 3) {
                browser.screenshot("tab-" + (i + 1));
            }
        }
        assertThat(stack.gatewayConnections() - before).as("ten tabs, one connection").isEqualTo(1);

        // The leader tab closes: another tab takes the connection over; every other tab goes on
        // streaming, its job's lines continuing without a gap or a repeat.
        browser.driver().switchTo().window(tabs.getFirst());
        browser.driver().close();
        String after = marker + " after the leader left";
        stack.publishServiceLog(Level.WARN, after);
        for (int i = 1; i < TABS; i++) {
            stack.publishLogs(jobs.get(i), Level.INFO, "s", List.of("tab " + i + " 21"));
        }
        for (int i = 1; i < TABS; i++) {
            browser.driver().switchTo().window(tabs.get(i));
            String expected = "tab " + i + " 21";
            eventually(() -> panelHas(after));
            eventually(() -> rows("log-container").size() == 21 && rows("log-container").getLast().get("message").equals(expected));
        }
        eventually(() -> stack.gatewayConnections() - before == 1);
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
