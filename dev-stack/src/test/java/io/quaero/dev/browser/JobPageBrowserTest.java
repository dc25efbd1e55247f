package io.quaero.dev.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/** The job page in a real browser: live lines, counts, status, filters, the whole log, safe rendering, following. */
class JobPageBrowserTest extends BrowserTest {

    @Test
    void linesAppearLiveCountsUpdateAndStatusChangesShowAtOnce() {
        UUID job = stack.createJob("{\"type\":\"browser-live\",\"executor\":\"external\"}");
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("connection-status").equals("Live"));

        stack.publishStatus(job, JobStatus.RUNNING, 10, "extract");
        stack.publishLogs(job, Level.INFO, "extract", lines("first", 5));
        eventually(() -> rows("log-container").size() == 5);
        assertThat(text("job-status")).isEqualTo("running");
        assertThat(text("progress-text")).isEqualTo("10%");
        assertThat(text("steps")).contains("Step extract").contains("running");
        assertThat(text("log-counts")).isEqualTo("5 lines");

        stack.publishLogs(job, Level.WARN, "extract", lines("second", 5));
        eventually(() -> rows("log-container").size() == 10);
        assertThat(text("log-counts")).isEqualTo("10 lines");
        assertThat(rows("log-container")).extracting(r -> r.get("line"))
            .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).mapToObj(String::valueOf).toList());

        stack.publishStatus(job, JobStatus.COMPLETED, 100, "extract");
        eventually(() -> text("job-status").equals("completed"));
        assertThat(text("progress-text")).isEqualTo("100%");
        assertThat(text("steps")).contains("completed");
        browser.screenshot("job-page-live");

        // Finished: Cancel gives way to Re-run, which opens the new job's page.
        eventually(() -> browser.byTestId("rerun").isDisplayed());
        assertThat(browser.byTestId("cancel").isDisplayed()).isFalse();
        browser.byTestId("rerun").click();
        eventually(() -> !browser.driver().getCurrentUrl().endsWith("/jobs/" + job));
        assertThat(browser.driver().getCurrentUrl()).matches(".*/jobs/[0-9a-f-]{36}$");
        eventually(() -> text("job-status").equals("pending"));
    }

    /** Issue 14: an admin deletes the job's logs while the page shows them: it says so and shows what is left. */
    @Test
    void whenAnAdminDeletesTheLogsThePageSaysSoAndStartsOverWithWhatIsLeft() {
        UUID job = stack.createJob("{\"type\":\"browser-deleted\",\"executor\":\"external\"}");
        stack.publishLogs(job, Level.INFO, null, lines("leaked", 3));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> rows("log-container").size() == 3);

        stack.deleteLogs(job);
        eventually(() -> text("notice").equals("Logs deleted by an admin"));
        eventually(() -> rows("log-container").isEmpty());
        stack.publishLogs(job, Level.INFO, null, List.of("after the deletion"));
        eventually(() -> rows("log-container").size() == 1);
        assertThat(rows("log-container")).extracting(r -> r.get("message")).containsExactly("after the deletion");
        assertThat(rows("log-container")).extracting(r -> r.get("line")).containsExactly("4");
        browser.screenshot("job-page-logs-deleted");
    }

    @Test
    void eachFilterReconnectsWithServerSideParametersAndNarrowsTheLines() {
        UUID job = stack.createJob("{\"type\":\"browser-filters\",\"executor\":\"external\"}");
        stack.publishStatus(job, JobStatus.RUNNING, 0, "a");
        stack.publishLogs(job, Level.INFO, "a", lines("a-info", 30));
        stack.publishLogs(job, Level.WARN, "a", lines("a-warn", 5));
        stack.publishLogs(job, Level.ERROR, "a", lines("a-error", 2));
        stack.publishStatus(job, JobStatus.RUNNING, 50, "b");
        stack.publishLogs(job, Level.INFO, "b", lines("b-info", 17));
        stack.publishLogs(job, Level.INFO, "b", List.of("a needle here", "needle again", "the last needle"));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("log-counts").equals("57 lines"));

        new Select(browser.byTestId("filter-level")).selectByValue("warn");
        eventually(() -> rows("log-container").size() == 7);
        assertThat(rows("log-container")).extracting(r -> r.get("level")).containsOnly("warn", "error");
        assertThat(text("log-counts")).isEqualTo("7 of 57 lines");
        browser.screenshot("job-page-filter-level");

        new Select(browser.byTestId("filter-level")).selectByValue("");
        new Select(browser.byTestId("filter-step")).selectByValue("b");
        eventually(() -> rows("log-container").size() == 20 && text("log-counts").equals("20 lines of Step b"));
        assertThat(rows("log-container")).extracting(r -> r.get("step")).containsOnly("Step b");

        // The search finds (and counts) in place; "only matching lines" narrows the list to them.
        new Select(browser.byTestId("filter-step")).selectByValue("");
        browser.byTestId("filter-search").sendKeys("needle");
        eventually(() -> text("find-count").matches("\\d of 3"));
        browser.byTestId("only-matching").click();
        eventually(() -> rows("log-container").size() == 3);
        assertThat(rows("log-container")).extracting(r -> r.get("message")).allMatch(m -> m.contains("needle"));
        assertThat(text("log-counts")).isEqualTo("3 of 57 lines");
    }

    /**
     * Issue 14: message text renders as text. Markup, event handlers and {@code javascript:} URLs
     * in a line show literally; nothing runs and no element is made but the row's own spans.
     */
    @Test
    void logTextIsShownLiterallyAndAnsiColoursBecomeSpans() {
        UUID job = stack.createJob("{\"type\":\"browser-xss\",\"executor\":\"external\"}");
        List<String> hostile = List.of(
            "<img src=x onerror=\"window.__xss=1\">",
            "\u001b[31mred alert\u001b[0m then plain",
            "<script>window.__xss=2</script><b>bold?</b>",
            "<a href=\"javascript:window.__xss=3\">click</a> javascript:window.__xss=4",
            "<svg onload=\"window.__xss=5\"></svg><iframe srcdoc=\"<script>parent.__xss=6</script>\"></iframe>",
            "\u001b[32m<img src=x onerror=window.__xss=7>\u001b[0m");
        stack.publishLogs(job, Level.INFO, null, hostile);
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> rows("log-container").size() == hostile.size());

        assertThat(rows("log-container")).extracting(r -> r.get("message")).containsExactly(
            "<img src=x onerror=\"window.__xss=1\">", "red alert then plain", "<script>window.__xss=2</script><b>bold?</b>",
            "<a href=\"javascript:window.__xss=3\">click</a> javascript:window.__xss=4",
            "<svg onload=\"window.__xss=5\"></svg><iframe srcdoc=\"<script>parent.__xss=6</script>\"></iframe>",
            "<img src=x onerror=window.__xss=7>");
        var container = browser.byTestId("log-container");
        assertThat(container.findElements(By.cssSelector(".log-message *:not(span)")))
            .as("elements in a message other than the spans of its colours").isEmpty();
        assertThat(container.findElements(By.cssSelector("[onerror], [onload], [src], [srcdoc]"))).isEmpty();
        assertThat(container.findElements(By.cssSelector("[href]"))).as("only the line numbers link (to their line)")
            .allMatch(a -> a.getAttribute("class").equals("log-line") && a.getDomAttribute("href").matches("#L\\d+"));
        assertThat(browser.js("return document.querySelectorAll('img, a[href^=\"javascript\"], svg, iframe, script:not([src])').length"))
            .isEqualTo(0L);
        assertThat(container.findElement(By.cssSelector(".ansi-fg-red")).getText()).isEqualTo("red alert");
        assertThat(container.findElement(By.cssSelector(".ansi-fg-green")).getText()).isEqualTo("<img src=x onerror=window.__xss=7>");
        assertThat(browser.js("return window.__xss === undefined")).isEqualTo(true);
        browser.screenshot("job-page-xss-ansi");
    }

    @Test
    void theWholeLogIsReachableByScrollingAndTheDownloadHasIt() {
        UUID job = stack.createJob("{\"type\":\"browser-paging\",\"executor\":\"external\"}");
        stack.publishLogs(job, Level.INFO, "s", lines("line", 250));
        eventually(() -> stack.storedLines(job) == 250);
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("log-counts").equals("250 lines"));

        assertThat(allRows()).extracting(r -> r.get("line"))
            .containsExactlyElementsOf(IntStream.rangeClosed(1, 250).mapToObj(String::valueOf).toList());
        assertThat(rangeReads()).as("the 50 oldest lines, beyond the stream's first 200, were read by range").isPositive();

        Object downloaded = browser.jsAsync("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then(r => r.text()).then(t => done(t.trim().split('\\n').length));""",
            browser.byTestId("download").getAttribute("href"));
        assertThat(((Number) downloaded).intValue()).isEqualTo(250);
    }

    @Test
    void theViewFollowsNewLinesOnlyWhileTheReaderIsAtTheBottom() {
        UUID job = stack.createJob("{\"type\":\"browser-scroll\",\"executor\":\"external\"}");
        stack.publishLogs(job, Level.INFO, "s", lines("line", 100));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("log-counts").equals("100 lines") && atBottom());
        assertThat(text("follow")).isEqualTo("Following");

        browser.js("const c = document.querySelector(\"[data-testid='log-container']\"); c.scrollTop = 0;");
        eventually(() -> text("follow").equals("Paused"));
        stack.publishLogs(job, Level.INFO, "s", lines("later", 20));
        eventually(() -> text("new-lines").equals("20 new lines"));
        assertThat(((Number) browser.js("return document.querySelector(\"[data-testid='log-container']\").scrollTop")).intValue())
            .isZero();
        assertThat(rows("log-container").getFirst().get("line")).isEqualTo("1");

        browser.js("const c = document.querySelector(\"[data-testid='log-container']\"); c.scrollTop = c.scrollHeight;");
        eventually(() -> text("follow").equals("Following") && atBottom()
            && rows("log-container").getLast().get("message").equals("later 20"));
        assertThat(browser.byTestId("new-lines").isDisplayed()).isFalse();
    }

    private boolean atBottom() {
        return (Boolean) browser.js("const c = document.querySelector(\"[data-testid='log-container']\");"
            + "return c.scrollHeight - c.scrollTop - c.clientHeight < 30;");
    }

    private static List<String> lines(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i).toList();
    }
}
