package io.quaero.dev.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.StepState;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 15, the job page's viewer in a real browser: the whole log in one list that keeps only
 * the rows on screen, line links and ranges, find, errors, steps with times and folding,
 * timestamps, follow and pause, the view in the URL, wrap, the raw view, links in messages,
 * shortcuts and help, themes, the tab title and the notification when a job ends.
 */
class JobViewerBrowserTest extends BrowserTest {

    private static final String CONTAINER = "document.querySelector(\"[data-testid='log-container']\")";

    @Test
    void theWholeLogIsOneListWithOnlyTheRowsOnScreenInTheDomReadByRangeAsTheReaderScrolls() {
        UUID job = externalJob();
        stack.publishLogs(job, Level.INFO, "s", lines("line", 3000));
        // Stored before the page opens: the stream starts with the newest lines, the rest is read by range.
        eventually(() -> stack.storedLines(job) == 3000);
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("log-counts").equals("3,000 lines") && visibleLines().contains(3000));
        assertThat(rows("log-container").size()).as("rows in the DOM").isLessThan(60);
        assertThat(rangeReads()).as("the tail came with the stream").isZero();
        assertThat(browser.js("return " + CONTAINER + ".getAttribute('role') + ' ' + " + CONTAINER + ".getAttribute('aria-rowcount')"))
            .isEqualTo("grid 3000");
        assertThat(browser.js("const r = " + CONTAINER + ".querySelector('.log-entry[data-line=\"3000\"]');"
            + "return r.getAttribute('role') + ' ' + r.getAttribute('aria-rowindex')")).isEqualTo("row 3000");

        // The scrollbar dragged to the middle: placeholders at once, then the lines there.
        browser.js(CONTAINER + ".scrollTop = " + CONTAINER + ".scrollHeight / 2");
        eventually(() -> visibleLines().stream().anyMatch(l -> l > 1400 && l < 1600) && !placeholdersShown());
        assertThat(rangeReads()).isPositive();
        assertThat(rows("log-container").size()).isLessThan(60);

        browser.js(CONTAINER + ".scrollTop = 0");
        eventually(() -> visibleLines().contains(1) && !placeholdersShown());
        assertThat(rows("log-container").getFirst()).containsEntry("line", "1").containsEntry("message", "line 1");
        browser.screenshot("viewer-top");
    }

    @Test
    void aLineLinkOpensAtThatLineAndAShiftClickMakesARangeThatStaysPutWhileLinesStreamIn() {
        UUID job = externalJob();
        stack.publishLogs(job, Level.INFO, "s", lines("line", 3000));
        browser.open(stack.url("/jobs/" + job + "#L1500"));
        eventually(() -> visibleLines().contains(1500) && rowClass(1500).contains("log-selected"));
        assertThat(rowClass(1501)).doesNotContain("log-selected");

        clickLineNumber(1505, false);
        eventually(() -> browser.driver().getCurrentUrl().endsWith("#L1505"));
        clickLineNumber(1512, true);
        eventually(() -> browser.driver().getCurrentUrl().endsWith("#L1505-L1512"));
        assertThat(IntStream.rangeClosed(1505, 1512).allMatch(l -> rowClass(l).contains("log-selected"))).isTrue();
        assertThat(rowClass(1500)).doesNotContain("log-selected");

        double before = rowTop(1510);
        stack.publishLogs(job, Level.INFO, "s", lines("later", 500));
        eventually(() -> text("log-counts").equals("3,500 lines"));
        assertThat(rowTop(1510)).as("the linked lines stay where they are").isEqualTo(before);
        assertThat(text("follow")).isEqualTo("Paused");

        // The link reproduces the view in another tab.
        String link = browser.driver().getCurrentUrl();
        browser.open(stack.url("/jobs"));
        browser.open(link);
        eventually(() -> visibleLines().containsAll(List.of(1505, 1512)) && rowClass(1510).contains("log-selected"));
        browser.screenshot("viewer-linked-range");
    }

    @Test
    void eachLineOffersCopyingItAndALinkToIt() {
        browser.onEveryPage("window.__copied = []; Object.defineProperty(navigator, 'clipboard', { value: "
            + "{ writeText: (t) => { window.__copied.push(t); return Promise.resolve(); } } });");
        UUID job = externalJob();
        stack.publishLogs(job, Level.INFO, "s", List.of("first", "\u001b[31msecond\u001b[0m in red", "third"));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> visibleLines().contains(3));

        showLog();
        new Actions(browser.driver()).moveToElement(rowElement(2)).perform();
        eventually(() -> browser.driver().findElement(By.cssSelector(".log-row-actions")).isDisplayed());
        browser.driver().findElement(By.cssSelector(".log-row-actions [data-copy='link']")).click();
        browser.driver().findElement(By.cssSelector(".log-row-actions [data-copy='line']")).click();
        eventually(() -> copied().size() == 2);
        assertThat(copied().get(0)).isEqualTo(stack.url("/jobs/" + job + "#L2"));
        assertThat(copied().get(1)).as("the text, without its colour codes").isEqualTo("second in red");
        assertThat(text("notice")).isEqualTo("Line 2 copied");
    }

    @Test
    void findHighlightsInPlaceCountsOverTheWholeLogAndEnterMovesBetweenMatches() {
        UUID job = externalJob();
        var messages = new ArrayList<String>();
        for (int i = 1; i <= 3000; i++) {
            messages.add(i % 100 == 0 ? "found a Needle at " + i : i == 1234 ? "disk 50% full, file_a" : i == 1235 ? "disk 50 full, fileXa" : "hay " + i);
        }
        stack.publishLogs(job, Level.INFO, "s", messages);
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("log-counts").equals("3,000 lines"));
        press("g");
        eventually(() -> visibleLines().contains(1));

        browser.byTestId("filter-search").sendKeys("needle");
        eventually(() -> text("find-count").equals("1 of 30") && visibleLines().contains(100));
        assertThat(rowClass(100)).contains("log-current-match");
        assertThat(rowElement(100).findElement(By.cssSelector("mark.find-hit")).getText()).isEqualTo("Needle");

        browser.byTestId("filter-search").sendKeys(Keys.ENTER);
        eventually(() -> text("find-count").equals("2 of 30") && visibleLines().contains(200) && rowClass(200).contains("log-current-match"));
        browser.byTestId("filter-search").sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
        eventually(() -> text("find-count").equals("1 of 30"));
        blur();
        press("n");
        press("n");
        eventually(() -> text("find-count").equals("3 of 30") && visibleLines().contains(300));
        press("N");
        eventually(() -> text("find-count").equals("2 of 30"));
        browser.screenshot("viewer-find");

        // The existing "show only matching lines", now a switch.
        browser.byTestId("only-matching").click();
        eventually(() -> text("log-counts").equals("30 of 3,000 lines"));
        eventually(() -> !rows("log-container").isEmpty()
            && rows("log-container").stream().allMatch(r -> r.get("message").toLowerCase().contains("needle")));
        browser.byTestId("only-matching").click();

        // Literal: % and _ are characters.
        browser.byTestId("filter-search").clear();
        browser.byTestId("filter-search").sendKeys("50%");
        eventually(() -> text("find-count").equals("1 of 1") && visibleLines().contains(1234));
        browser.byTestId("filter-search").clear();
        browser.byTestId("filter-search").sendKeys("file_a");
        eventually(() -> text("find-count").equals("1 of 1"));
    }

    @Test
    void onlyMatchingLinesOfALogLongerThanTheSearchWindowShowsAndCountsEveryMatchOfTheWholeLog() {
        // A stream's search reads the newest search-scan-rows (100,000) lines; two matches lie before them.
        UUID job = externalJob();
        int n = 101_200;
        List<Integer> needles = List.of(10, 20, 101_100, 101_150);
        stack.publishLogs(job, Level.INFO, "s", IntStream.rangeClosed(1, n)
            .mapToObj(i -> needles.contains(i) ? "found a needle at " + i : "hay " + i).toList());
        eventually(() -> stack.storedLines(job) == n);

        browser.open(stack.url("/jobs/" + job + "?q=needle&only=1"));
        eventually(() -> text("log-counts").equals("4 of 101,200 lines"));
        eventually(() -> lineNumbers().equals(List.of("10", "20", "101100", "101150")));

        stack.publishLogs(job, Level.INFO, "s", List.of("hay 101201", "live needle 101202"));
        eventually(() -> text("log-counts").equals("5 of 101,202 lines")
            && lineNumbers().equals(List.of("10", "20", "101100", "101150", "101202")));
    }

    @Test
    void errorsAreCountedAndOneKeyAway() {
        UUID job = externalJob();
        publishWithLevels(job, 1000, Map.of(200, Level.ERROR, 600, Level.FATAL, 900, Level.ERROR, 300, Level.WARN, 301, Level.WARN));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("error-count").equals("3 errors") && text("warning-count").equals("2 warnings"));

        browser.byTestId("first-error").click();
        eventually(() -> visibleLines().contains(200) && rowClass(200).contains("log-selected"));
        assertThat(browser.driver().getCurrentUrl()).endsWith("#L200");
        press("e");
        eventually(() -> visibleLines().contains(600) && rowClass(600).contains("log-selected"));
        press("e");
        eventually(() -> rowClass(900).contains("log-selected"));
        press("E");
        eventually(() -> rowClass(600).contains("log-selected"));

        stack.publishLogs(job, Level.ERROR, "s", List.of("one more failure"));
        eventually(() -> text("error-count").equals("4 errors"));
        browser.screenshot("viewer-errors");
    }

    @Test
    void theStepStripShowsTimesJumpsToAStepFiltersToItAndFoldsIt() {
        UUID job = externalJob();
        Instant t0 = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        stack.publishStatusAt(job, t0, JobStatus.RUNNING, 0, new StepState("fetch", "Step fetch", JobStatus.RUNNING));
        stack.publishLogsAt(job, t0.plusSeconds(1), Level.INFO, "fetch", lines("fetched", 100));
        stack.publishStatusAt(job, t0.plusSeconds(12), JobStatus.RUNNING, 40, new StepState("fetch", null, JobStatus.COMPLETED),
            new StepState("parse", "Step parse", JobStatus.RUNNING));
        stack.publishLogsAt(job, t0.plusSeconds(13), Level.INFO, "parse", lines("parsed", 100));
        stack.publishStatusAt(job, t0.plusSeconds(20), JobStatus.RUNNING, 80, new StepState("parse", null, JobStatus.COMPLETED),
            new StepState("index", "Step index", JobStatus.RUNNING));
        stack.publishLogsAt(job, t0.plusSeconds(21), Level.INFO, "index", lines("indexed", 50));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("log-counts").equals("250 lines") && stepTimes().size() == 3);
        assertThat(stepTimes().subList(0, 2)).containsExactly("12.0 s", "8.0 s");
        assertThat(text("job-finished")).isEqualTo("—");
        assertThat(text("job-duration")).matches("1 m \\d\\d s");
        browser.screenshot("viewer-steps");

        steps().get(1).findElement(By.cssSelector("[data-testid='step']")).click();
        eventually(() -> visibleLines().contains(101));

        steps().get(0).findElement(By.cssSelector("[data-testid='step-filter']")).click();
        eventually(() -> text("log-counts").equals("100 lines of Step fetch"));
        assertThat(new Select(browser.byTestId("filter-step")).getFirstSelectedOption().getText()).isEqualTo("Step fetch");
        assertThat(browser.driver().getCurrentUrl()).contains("step=fetch");
        eventually(() -> rows("log-container").stream().allMatch(r -> r.get("step").equals("Step fetch")));
        steps().get(0).findElement(By.cssSelector("[data-testid='step-filter']")).click();
        eventually(() -> text("log-counts").equals("250 lines"));

        // A finished step folds into one row; a click on it unfolds.
        steps().get(0).findElement(By.cssSelector("[data-testid='step-fold']")).click();
        press("g");
        eventually(() -> browser.driver().findElements(By.cssSelector(".log-fold")).size() == 1);
        assertThat(browser.driver().findElement(By.cssSelector(".log-fold")).getText()).isEqualTo("▸ Step fetch — 100 lines folded");
        eventually(() -> visibleLines().contains(101) && !visibleLines().contains(50));
        browser.screenshot("viewer-folded-step");
        browser.driver().findElement(By.cssSelector(".log-fold button")).click();
        eventually(() -> browser.driver().findElements(By.cssSelector(".log-fold")).isEmpty() && visibleLines().contains(1));

        stack.publishStatusAt(job, t0.plusSeconds(30), JobStatus.COMPLETED, 100, new StepState("index", null, JobStatus.COMPLETED));
        eventually(() -> text("job-status").equals("completed") && text("job-duration").equals("30.0 s"));
        assertThat(stepTimes()).containsExactly("12.0 s", "8.0 s", "10.0 s");
        assertThat(text("job-finished")).isNotEqualTo("—");
    }

    @Test
    void timestampsShowTheClockUtcTheTimeSinceTheStartOrSinceTheLineBeforeAndALongSilenceIsMarked() {
        UUID job = externalJob();
        Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
        stack.publishStatusAt(job, t0, JobStatus.RUNNING, 0);
        stack.publishLogsAt(job, t0.plusMillis(1500), Level.INFO, null, List.of("a", "b"));
        stack.publishLogsAt(job, t0.plusMillis(13501), Level.INFO, null, List.of("after a silence"));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> visibleLines().contains(3));

        new Select(browser.byTestId("timestamps")).selectByValue("utc");
        eventually(() -> time(1).equals("10:00:01.500Z"));
        new Select(browser.byTestId("timestamps")).selectByValue("elapsed");
        eventually(() -> time(1).equals("+0:01.500") && time(3).equals("+0:13.501"));
        new Select(browser.byTestId("timestamps")).selectByValue("delta");
        eventually(() -> time(2).equals("+0:00.001") && time(3).equals("+0:12.000"));
        assertThat(rowClass(3)).contains("log-after-silence");
        assertThat(rowClass(2)).doesNotContain("log-after-silence");
        assertThat(rowElement(3).getAttribute("data-silence")).isEqualTo("12.0 s without output");
        browser.screenshot("viewer-timestamps-delta");

        browser.open(stack.url("/jobs/" + job));
        eventually(() -> visibleLines().contains(3) && time(2).equals("+0:00.001"));
        assertThat(new Select(browser.byTestId("timestamps")).getFirstSelectedOption().getAttribute("value")).as("remembered").isEqualTo("delta");
        press("t");
        eventually(() -> new Select(browser.byTestId("timestamps")).getFirstSelectedOption().getAttribute("value").equals("local"));
        String local = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").format(t0.plusMillis(1500).atZone(
            java.time.ZoneId.of((String) browser.js("return Intl.DateTimeFormat().resolvedOptions().timeZone"))));
        eventually(() -> time(1).equals(local));
    }

    @Test
    void followingShowsNewLinesPausingKeepsTheScreenAndComingBackMarksWhatIsNew() {
        UUID job = externalJob();
        stack.publishLogs(job, Level.INFO, "s", lines("line", 100));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> visibleLines().contains(100) && text("follow").equals("Following"));

        press(" ");
        eventually(() -> text("follow").equals("Paused"));
        List<Integer> shown = visibleLines();
        List<Double> where = shown.stream().map(this::rowTop).toList();
        stack.publishLogs(job, Level.INFO, "s", lines("more", 50));
        eventually(() -> text("new-lines").equals("50 new lines"));
        assertThat(shown.stream().map(this::rowTop).toList()).as("the screen did not move").isEqualTo(where);
        // Said to a screen reader, politely: the region is visually hidden, so its text is read from the DOM.
        eventually(() -> "50 new lines".equals(browser.js("return document.querySelector(\"[data-testid='announcer']\").textContent")));

        // "50 new lines" shows the first of them under a divider; End follows again.
        browser.byTestId("jump-latest").click();
        eventually(() -> visibleLines().contains(101) && rowClass(101).contains("log-divider"));
        assertThat(rowClass(100)).doesNotContain("log-divider");
        browser.screenshot("viewer-new-since-you-looked");
        press(Keys.END.toString());
        eventually(() -> text("follow").equals("Following") && visibleLines().contains(150));

        press("f");
        eventually(() -> text("follow").equals("Paused"));
        press(Keys.END.toString());
        eventually(() -> text("follow").equals("Following"));
        stack.publishLogs(job, Level.INFO, "s", lines("last", 5));
        eventually(() -> visibleLines().contains(155));
    }

    @Test
    void theViewRoundTripsThroughTheUrl() {
        UUID job = externalJob();
        stack.publishStatus(job, JobStatus.RUNNING, 0, "a", "b");
        stack.publishLogs(job, Level.INFO, "a", lines("a needle", 10));
        stack.publishLogs(job, Level.WARN, "b", List.of("b warn needle", "b warn hay"));
        stack.publishLogs(job, Level.INFO, "b", lines("b info needle", 5));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> text("log-counts").equals("17 lines") && new Select(browser.byTestId("filter-step")).getOptions().size() == 3);

        new Select(browser.byTestId("filter-step")).selectByValue("b");
        new Select(browser.byTestId("filter-level")).selectByValue("warn");
        browser.byTestId("filter-search").sendKeys("needle");
        browser.byTestId("only-matching").click();
        eventually(() -> text("log-counts").equals("1 of 7 lines of Step b"));
        clickLineNumber(11, false);
        eventually(() -> browser.driver().getCurrentUrl().endsWith("?step=b&level=warn&q=needle&only=1#L11"));

        String link = browser.driver().getCurrentUrl();
        browser.open(stack.url("/jobs"));
        browser.open(link);
        eventually(() -> text("log-counts").equals("1 of 7 lines of Step b") && rowClass(11).contains("log-selected"));
        assertThat(new Select(browser.byTestId("filter-step")).getFirstSelectedOption().getAttribute("value")).isEqualTo("b");
        assertThat(new Select(browser.byTestId("filter-level")).getFirstSelectedOption().getAttribute("value")).isEqualTo("warn");
        assertThat(browser.byTestId("filter-search").getAttribute("value")).isEqualTo("needle");
        assertThat(browser.byTestId("only-matching").isSelected()).isTrue();
        assertThat(rows("log-container")).extracting(r -> r.get("message")).containsExactly("b warn needle");
    }

    @Test
    void wrapShowsALongLineWhole() {
        UUID job = externalJob();
        stack.publishLogs(job, Level.INFO, null, List.of("short", "long " + "word ".repeat(200)));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> visibleLines().contains(2));
        assertThat(rowHeight(2)).as("one line, scrolled sideways").isEqualTo(rowHeight(1));

        browser.byTestId("wrap").click();
        eventually(() -> rowHeight(2) > 3 * rowHeight(1));
        browser.screenshot("viewer-wrapped");
        blur();
        press("w");
        eventually(() -> rowHeight(2) == rowHeight(1));
        press("w");
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> visibleLines().contains(2) && rowHeight(2) > 3 * rowHeight(1));
        assertThat(browser.byTestId("wrap").isSelected()).as("remembered").isTrue();
    }

    @Test
    void theRawViewIsTheLogAsPlainTextInTheBrowser() {
        UUID job = externalJob();
        stack.publishLogs(job, Level.INFO, null, List.of("<b>not bold</b>", "\u001b[31mred\u001b[0m"));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> visibleLines().contains(2));
        String raw = browser.byTestId("raw").getAttribute("href");
        assertThat(raw).endsWith("/api/jobs/" + job + "/logs/raw");
        assertThat(browser.byTestId("raw").getAttribute("rel")).isEqualTo("noopener");

        browser.open(raw);
        assertThat(browser.js("return document.contentType")).isEqualTo("text/plain");
        String body = browser.driver().findElement(By.tagName("body")).getText();
        assertThat(body.lines().toList()).satisfiesExactly(
            l -> assertThat(l).startsWith("1 ").endsWith(" INFO  <b>not bold</b>"),
            l -> assertThat(l).startsWith("2 ").endsWith(" INFO  red"));
    }

    /** Issue 14 still holds: a URL is a link only for http(s), opened apart; nothing in a message can add script or attributes. */
    @Test
    void urlsInMessagesAreLinksOnlyForHttpAndHttpsAndCannotInjectAnything() {
        UUID job = externalJob();
        stack.publishLogs(job, Level.INFO, null, List.of(
            "docs at https://example.com/a?b=1&c=2, see",
            "javascript:window.__xss=1 https://x.test/\"onmouseover=\"window.__xss=2",
            "<a href=\"javascript:window.__xss=3\">click</a> data:text/html,<script>window.__xss=4</script>",
            "\u001b[34mhttp://blue.test/p\u001b[0m).",
            "\u001b[38;5;196mred from 256\u001b[0m \u001b[48;2;0;128;255mtruecolour\u001b[0m"));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> visibleLines().contains(5));

        @SuppressWarnings("unchecked")
        List<Map<String, String>> links = (List<Map<String, String>>) browser.js("return [..." + CONTAINER
            + ".querySelectorAll('a.log-url')].map(a => ({href: a.getAttribute('href'), rel: a.rel, target: a.target, text: a.textContent}))");
        assertThat(links).containsExactly(
            Map.of("href", "https://example.com/a?b=1&c=2", "rel", "noopener noreferrer", "target", "_blank", "text", "https://example.com/a?b=1&c=2"),
            Map.of("href", "https://x.test/", "rel", "noopener noreferrer", "target", "_blank", "text", "https://x.test/"),
            Map.of("href", "http://blue.test/p", "rel", "noopener noreferrer", "target", "_blank", "text", "http://blue.test/p"));
        assertThat(rows("log-container").get(2).get("message"))
            .isEqualTo("<a href=\"javascript:window.__xss=3\">click</a> data:text/html,<script>window.__xss=4</script>");
        assertThat(browser.js("return " + CONTAINER + ".querySelectorAll('[onmouseover], [onerror], [onload], script, iframe, img, svg').length"))
            .isEqualTo(0L);
        assertThat(browser.js("return [..." + CONTAINER + ".querySelectorAll('[href]')].every(a => /^(#L\\d+|https?:)/.test(a.getAttribute('href')))"))
            .isEqualTo(true);
        assertThat(browser.js("return " + CONTAINER + ".querySelector('a.log-url[href=\"http://blue.test/p\"]').closest('.ansi-fg-blue') !== null"))
            .isEqualTo(true);
        assertThat(browser.js("const s = [..." + CONTAINER + ".querySelectorAll('.log-message span')];"
            + "return s.map(e => getComputedStyle(e).color + ' ' + getComputedStyle(e).backgroundColor).join('|')"))
            .asString().contains("rgb(255, 0, 0)").contains("rgb(0, 128, 255)");
        new Actions(browser.driver()).moveToElement(rowElement(2).findElement(By.cssSelector(".log-url"))).perform();
        assertThat(browser.js("return window.__xss === undefined")).isEqualTo(true);
    }

    @Test
    void keyboardShortcutsAndTheirHelp() {
        UUID job = externalJob();
        stack.publishLogs(job, Level.INFO, "s", lines("line", 500));
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> visibleLines().contains(500));

        press("?");
        eventually(() -> browser.byTestId("help").isDisplayed());
        assertThat(text("help")).contains("Next / previous error").contains("Follow new lines / pause");
        browser.screenshot("viewer-help");
        press(Keys.ESCAPE.toString());
        eventually(() -> !browser.byTestId("help").isDisplayed());

        press("g");
        eventually(() -> visibleLines().contains(1) && text("follow").equals("Paused"));
        press("G");
        eventually(() -> visibleLines().contains(500) && text("follow").equals("Following"));
        press("w");
        eventually(() -> browser.byTestId("wrap").isSelected());
        press("t");
        eventually(() -> new Select(browser.byTestId("timestamps")).getFirstSelectedOption().getAttribute("value").equals("utc"));
        press("/");
        eventually(() -> "filter-search".equals(browser.js("return document.activeElement.dataset.testid")));

        // In the list: arrow keys move between lines, Enter selects one.
        blur();
        browser.js(CONTAINER + ".focus()");
        new Actions(browser.driver()).sendKeys(Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ENTER).perform();
        eventually(() -> browser.driver().getCurrentUrl().matches(".*#L\\d+$"));
        String active = (String) browser.js("return " + CONTAINER + ".getAttribute('aria-activedescendant')");
        assertThat(active).startsWith("log-row-");
    }

    @Test
    void theTabTitleSaysHowTheJobIsDoingAndAWatcherIsNotifiedWhenItEnds() {
        browser.onEveryPage("window.__notes = []; window.Notification = class { constructor(title, o) { window.__notes.push(title + ' | ' + o.body); } };"
            + "window.Notification.permission = 'granted'; window.Notification.requestPermission = () => Promise.resolve('granted');");
        UUID job = externalJob();
        stack.publishStatus(job, JobStatus.RUNNING, 40);
        browser.open(stack.url("/jobs/" + job));
        eventually(() -> browser.driver().getTitle().startsWith("▶ running 40% · viewer "));

        browser.byTestId("notify").click();
        eventually(() -> text("notify").equals("Notifying when done"));
        stack.publishStatus(job, JobStatus.COMPLETED, 100);
        eventually(() -> browser.driver().getTitle().startsWith("✓ completed · viewer "));
        @SuppressWarnings("unchecked")
        List<String> notes = (List<String>) browser.js("return window.__notes");
        assertThat(notes).singleElement().asString().startsWith("viewer completed | Job " + job + " completed after ");
    }

    @Test
    void theJobPageInTheLightAndTheDarkTheme() {
        UUID job = externalJob();
        stack.publishStatus(job, JobStatus.RUNNING, 60, "build");
        publishWithLevels(job, 200, Map.of(50, Level.ERROR, 60, Level.WARN));
        stack.publishLogs(job, Level.INFO, "build", List.of("see https://example.com/docs", "\u001b[32mgreen\u001b[0m and \u001b[1mbold\u001b[0m"));
        for (String theme : List.of("light", "dark")) {
            browser.colorScheme(theme);
            browser.open(stack.url("/jobs/" + job + "?q=line#L50"));
            eventually(() -> visibleLines().contains(50) && text("find-count").equals("200 matches"));
            String background = (String) browser.js("return getComputedStyle(" + CONTAINER + ").backgroundColor");
            int[] rgb = java.util.Arrays.stream(background.replaceAll("[^0-9,]", "").split(",")).mapToInt(Integer::parseInt).toArray();
            assertThat(rgb[0] + rgb[1] + rgb[2]).as("%s background %s", theme, background)
                .satisfies(sum -> assertThat(theme.equals("dark") ? sum < 150 : sum > 600).isTrue());
            browser.screenshot("job-page-" + theme);
        }
    }

    // ---------------------------------------------------------------- helpers

    private UUID externalJob() {
        return stack.createJob("{\"type\":\"viewer\",\"executor\":\"external\"}");
    }

    /** Publishes `n` info lines of step s, with the given lines at other levels. */
    private void publishWithLevels(UUID job, int n, Map<Integer, Level> levels) {
        var batch = new ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            Level level = levels.get(i);
            if (level == null) {
                batch.add("line " + i);
                continue;
            }
            if (!batch.isEmpty()) {
                stack.publishLogs(job, Level.INFO, "s", batch);
                batch = new ArrayList<>();
            }
            stack.publishLogs(job, level, "s", List.of(level.wireName() + " at line " + i));
        }
        if (!batch.isEmpty()) {
            stack.publishLogs(job, Level.INFO, "s", batch);
        }
    }

    /** Line numbers of the log's rows drawn, placeholders aside, top to bottom. */
    private List<String> lineNumbers() {
        return rows("log-container").stream().map(r -> r.get("line")).toList();
    }

    /** Line numbers of the rows the reader can see (inside the log's visible area), loaded ones only. */
    @SuppressWarnings("unchecked")
    private List<Integer> visibleLines() {
        return ((List<Number>) browser.js("const c = " + CONTAINER + ".getBoundingClientRect();"
            + "return [..." + CONTAINER + ".querySelectorAll('.log-entry[data-line]')].filter(r => {"
            + "  const b = r.getBoundingClientRect(); return b.bottom > c.top + 1 && b.top < c.bottom - 1; })"
            + ".map(r => Number(r.dataset.line))")).stream().map(Number::intValue).toList();
    }

    private boolean placeholdersShown() {
        return (Boolean) browser.js("const c = " + CONTAINER + ".getBoundingClientRect();"
            + "return [..." + CONTAINER + ".querySelectorAll('.log-placeholder')].some(r => {"
            + "  const b = r.getBoundingClientRect(); return b.bottom > c.top && b.top < c.bottom; })");
    }

    private org.openqa.selenium.WebElement rowElement(int line) {
        return browser.driver().findElement(By.cssSelector("[data-testid='log-container'] .log-entry[data-line='" + line + "']"));
    }

    private String rowClass(int line) {
        return (String) browser.js("return " + CONTAINER + ".querySelector('.log-entry[data-line=\"" + line + "\"]')?.className ?? ''");
    }

    private double rowTop(int line) {
        return ((Number) browser.js("return " + CONTAINER + ".querySelector('.log-entry[data-line=\"" + line + "\"]')"
            + ".getBoundingClientRect().top")).doubleValue();
    }

    private double rowHeight(int line) {
        return ((Number) browser.js("return " + CONTAINER + ".querySelector('.log-entry[data-line=\"" + line + "\"]').offsetHeight"))
            .doubleValue();
    }

    private String time(int line) {
        return rowElement(line).findElement(By.cssSelector(".log-time")).getText();
    }

    /**
     * Scrolls the page (not the log) so the whole log is in the browser's viewport: a click on a row
     * near its bottom edge would otherwise make WebDriver scroll the log to bring the row into view.
     */
    private void showLog() {
        browser.js("window.scrollTo(0, " + CONTAINER + ".getBoundingClientRect().top + window.scrollY - 8)");
    }

    private void clickLineNumber(int line, boolean shift) {
        showLog();
        var number = rowElement(line).findElement(By.cssSelector(".log-line"));
        var actions = new Actions(browser.driver());
        if (shift) {
            actions.keyDown(Keys.SHIFT).click(number).keyUp(Keys.SHIFT).perform();
        } else {
            actions.click(number).perform();
        }
    }

    private List<org.openqa.selenium.WebElement> steps() {
        return browser.driver().findElements(By.cssSelector("[data-testid='steps'] li"));
    }

    private List<String> stepTimes() {
        return browser.allByTestId("step-time").stream().map(e -> e.getText()).toList();
    }

    @SuppressWarnings("unchecked")
    private List<String> copied() {
        return (List<String>) browser.js("return window.__copied");
    }

    /** A key pressed on the page (not in a field): a shortcut. */
    private void press(String key) {
        new Actions(browser.driver()).sendKeys(key).perform();
    }

    private void blur() {
        browser.js("document.activeElement?.blur()");
    }

    private static List<String> lines(String prefix, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> prefix + " " + i).toList();
    }
}
