package io.quaero.dev.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import io.quaero.contracts.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/** The service-logs panel: on every page, badge, error indicator, filter, clear, kept state. */
class ServicePanelBrowserTest extends BrowserTest {

    @Test
    void thePanelIsOnEveryPageCountsUnreadFlagsErrorsFiltersClearsAndKeepsItsState() {
        String marker = "panel-" + UUID.randomUUID().toString().substring(0, 8);
        UUID job = stack.createJob("{\"type\":\"browser-panel\",\"executor\":\"external\"}");
        browser.open(stack.url("/jobs"));
        eventually(() -> browser.byTestId("service-logs-toggle").getText().contains("Service Logs"));
        assertThat(browser.byTestId("service-logs-content").isDisplayed()).isFalse();

        // Collapsed: new lines raise the unread badge; an error raises the error indicator.
        stack.publishServiceLog(Level.INFO, marker + " one");
        stack.publishServiceLog(Level.INFO, marker + " two");
        eventually(() -> browser.byTestId("unread-badge").isDisplayed() && Integer.parseInt(text("unread-badge")) >= 2);
        assertThat(browser.byTestId("error-indicator").isDisplayed()).isFalse();
        stack.publishServiceLog(Level.ERROR, marker + " broke");
        eventually(() -> browser.byTestId("error-indicator").isDisplayed());
        browser.screenshot("jobs-page-panel-collapsed");

        // Opened: unread resets; the lines are there.
        browser.byTestId("service-logs-toggle").click();
        eventually(() -> browser.byTestId("service-logs-content").isDisplayed());
        assertThat(browser.byTestId("unread-badge").isDisplayed()).isFalse();
        eventually(() -> rows("service-logs-entries").stream().filter(r -> r.get("message").startsWith(marker)).count() == 3);
        browser.screenshot("jobs-page-panel-open");

        // Level filter (on the server): only warn and above.
        new Select(browser.byTestId("service-logs-level")).selectByValue("warn");
        eventually(() -> rows("service-logs-entries").stream().anyMatch(r -> r.get("message").equals(marker + " broke"))
            && rows("service-logs-entries").stream().noneMatch(r -> r.get("message").startsWith(marker + " o")));
        assertThat(rows("service-logs-entries")).extracting(r -> r.get("level")).allMatch(l -> !l.equals("info") && !l.equals("debug"));

        // Clear empties the panel and the error indicator.
        browser.byTestId("service-logs-clear").click();
        eventually(() -> rows("service-logs-entries").isEmpty());
        assertThat(browser.byTestId("error-indicator").isDisplayed()).isFalse();

        // Another page: the panel is there, still open, still at warn; and on the service logs page.
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> browser.byTestId("service-logs-content").isDisplayed());
        assertThat(new Select(browser.byTestId("service-logs-level")).getFirstSelectedOption().getAttribute("value"))
            .isEqualTo("warn");
        stack.publishServiceLog(Level.WARN, marker + " after navigation");
        eventually(() -> rows("service-logs-entries").stream().anyMatch(r -> r.get("message").equals(marker + " after navigation")));
        browser.screenshot("job-page-panel-open");

        browser.open(stack.url("/service-logs"));
        eventually(() -> browser.byTestId("service-logs-content").isDisplayed());
        eventually(() -> rows("service-page-entries").stream().anyMatch(r -> r.get("message").equals(marker + " after navigation")));
        browser.screenshot("service-logs-page");

        browser.byTestId("service-logs-toggle").click();
        browser.open(stack.url("/jobs"));
        eventually(() -> browser.byTestId("service-logs-toggle").isDisplayed());
        assertThat(browser.byTestId("service-logs-content").isDisplayed()).isFalse();
    }
}
