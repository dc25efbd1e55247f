package io.quaero.dev.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The jobs list: a newcomer's first page, live statuses from the feed, the run form, cancel. */
class JobsListBrowserTest extends BrowserTest {

    @Test
    void aNewcomerSeesAnOfferToRunTheDemoAndOneClickShowsItsLogsStreaming() {
        // A fresh installation: no jobs at all.
        stack.jdbc().update("DELETE FROM jobs");
        browser.open(stack.url("/"));
        eventually(() -> browser.byTestId("empty-jobs").isDisplayed());
        browser.screenshot("jobs-page-empty");

        browser.byTestId("run-demo").click();
        eventually(() -> browser.driver().getCurrentUrl().contains("/jobs/"));
        eventually(() -> rows("log-container").size() >= 5);
        assertThat(text("job-status")).isIn("pending", "running", "completed");
        assertThat(text("steps")).contains("Fetch pages");
        browser.screenshot("job-page-demo");
    }

    @Test
    void statusesAndProgressMoveLiveAndAJobCanBeCancelledFromTheList() {
        browser.open(stack.url("/jobs"));
        eventually(() -> browser.byTestId("feed-status").getText().equals("live"));

        // Created elsewhere (another tab, a script): it appears and moves without a reload.
        UUID quick = stack.createJob("{\"type\":\"load\",\"params\":{\"rate\":200,\"duration_s\":3,\"steps\":2}}");
        eventually(() -> status(quick).equals("completed"));
        assertThat(row(quick).getText()).contains("100%");

        UUID slow = stack.createJob("{\"type\":\"load\",\"params\":{\"rate\":20,\"duration_s\":300,\"steps\":2}}");
        eventually(() -> status(slow).equals("running"));
        browser.screenshot("jobs-page-live");
        row(slow).findElement(By.cssSelector("[data-testid='cancel-job']")).click();
        eventually(() -> status(slow).equals("cancelled"));
        assertThat(row(slow).findElement(By.cssSelector("[data-testid='cancel-job']")).isDisplayed()).isFalse();
        eventually(() -> row(slow).findElement(By.cssSelector("[data-testid='rerun-job']")).isDisplayed());
    }

    /** Issue 15: when each job started and finished, how long it took (counting while it runs), and running it again. */
    @Test
    void eachJobShowsItsStartFinishAndDurationAndAFinishedOneRunsAgainWithTheSameParameters() {
        browser.open(stack.url("/jobs"));
        eventually(() -> browser.byTestId("feed-status").getText().equals("live"));
        UUID running = stack.createJob("{\"type\":\"load\",\"params\":{\"rate\":10,\"duration_s\":300,\"steps\":1}}");
        eventually(() -> status(running).equals("running") && !cell(running, "job-started").isEmpty());
        assertThat(cell(running, "job-finished")).isEmpty();
        String first = cell(running, "job-duration");
        eventually(() -> !cell(running, "job-duration").equals(first));
        assertThat(row(running).findElement(By.cssSelector("[data-testid='rerun-job']")).isDisplayed()).isFalse();
        row(running).findElement(By.cssSelector("[data-testid='cancel-job']")).click();
        eventually(() -> status(running).equals("cancelled") && !cell(running, "job-finished").isEmpty());
        assertThat(cell(running, "job-duration")).matches("[\\d.]+ (ms|s)|\\d+ m \\d\\d s");
        browser.screenshot("jobs-page-times");

        row(running).findElement(By.cssSelector("[data-testid='rerun-job']")).click();
        eventually(() -> browser.driver().getCurrentUrl().matches(".*/jobs/[0-9a-f-]{36}$")
            && !browser.driver().getCurrentUrl().endsWith(running.toString()));
        UUID again = UUID.fromString(browser.driver().getCurrentUrl().replaceAll(".*/jobs/", ""));
        assertThat(stack.jdbc().queryForObject("SELECT params::text FROM jobs WHERE id = ?", String.class, again))
            .isEqualTo(stack.jdbc().queryForObject("SELECT params::text FROM jobs WHERE id = ?", String.class, running));
        eventually(() -> browser.byTestId("cancel").isDisplayed());
        browser.byTestId("cancel").click();
        eventually(() -> text("job-status").equals("cancelled"));
    }

    private String cell(UUID job, String testId) {
        return row(job).findElement(By.cssSelector("[data-testid='" + testId + "']")).getText();
    }

    @Test
    void theRunFormIsBuiltFromTheJobTypesAndOpensTheNewJob() {
        browser.open(stack.url("/jobs"));
        eventually(() -> new Select(browser.byTestId("run-type")).getOptions().size() == 3);
        new Select(browser.byTestId("run-type")).selectByValue("failing-etl");
        eventually(() -> browser.byTestId("param-rows").isDisplayed());
        browser.byTestId("param-rows").clear();
        browser.byTestId("param-rows").sendKeys("200");
        browser.byTestId("param-delay_ms").clear();
        browser.byTestId("param-delay_ms").sendKeys("10");
        browser.screenshot("jobs-page-run-form");
        browser.byTestId("run-submit").click();

        eventually(() -> browser.driver().getCurrentUrl().contains("/jobs/"));
        eventually(() -> text("job-status").equals("failed"));
        assertThat(text("steps")).contains("Extract Data").contains("Transform").contains("failed");
        eventually(() -> rows("log-container").stream().anyMatch(r -> r.get("level").equals("fatal")));
        browser.screenshot("job-page-failed");
    }

    private WebElement row(UUID job) {
        return browser.driver().findElement(By.cssSelector("tr[data-job-id='" + job + "']"));
    }

    private String status(UUID job) {
        return row(job).findElement(By.cssSelector("[data-testid='job-status']")).getText();
    }
}
