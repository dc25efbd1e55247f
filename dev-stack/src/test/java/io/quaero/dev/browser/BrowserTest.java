package io.quaero.dev.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.awaitility.Awaitility;

/**
 * Base of the browser tests: one dev stack per class, a fresh headless Chromium per test.
 * Without Chromium the tests are skipped, except in CI (CI=true), where .ci/run installs it and
 * its absence is a failure.
 *
 * <p>Every test also fails if a page broke its Content-Security-Policy (issue 14): Chromium
 * reports each refusal on the console ("... violates the following Content Security Policy
 * directive ...") and as a {@code securitypolicyviolation} event, which every page records from
 * its first moment. A page that needed inline script, eval or an inline style would fail here.
 */
abstract class BrowserTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    static Stack stack;
    Browser browser;

    @BeforeAll
    static void startStack() {
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(Browser.available()).as("chromium and chromium-driver (Debian packages); .ci/run installs them").isTrue();
        }
        assertThat(Browser.available()).as("chromium and chromium-driver must be installed in CI").isTrue();
        stack = Stack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    /** Recorded in every page before its own scripts run; read back by {@link #cspViolations()}. */
    private static final String RECORD_CSP_VIOLATIONS = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
          `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
        """;

    @BeforeEach
    void openBrowser() {
        browser = Browser.start();
        browser.onEveryPage(RECORD_CSP_VIOLATIONS);
        stack.signIn(browser);
    }

    @AfterEach
    void closeBrowser(org.junit.jupiter.api.TestInfo test) throws java.io.IOException {
        if (browser != null) {
            // Everything the pages said, per test, for when a test fails in CI.
            var console = browser.console();
            java.nio.file.Files.createDirectories(java.nio.file.Path.of("target/browser-console"));
            java.nio.file.Files.write(java.nio.file.Path.of("target/browser-console",
                getClass().getSimpleName() + "-" + test.getTestMethod().map(m -> m.getName()).orElse("test") + ".log"), console);
            console.stream().filter(l -> l.contains("SEVERE") && !l.contains("favicon"))
                .forEach(l -> System.out.println("browser console: " + l));
            List<String> violations = cspViolations();
            try {
                // How each test left its page: the first thing to look at when one fails.
                browser.screenshot("last-" + getClass().getSimpleName() + "-" + test.getTestMethod().map(m -> m.getName()).orElse("test"));
            } catch (RuntimeException noPage) {
                // the page is gone (a test that closed it); nothing to show
            }
            browser.close();
            assertThat(console).as("Content-Security-Policy refusals on the console")
                .noneMatch(l -> l.contains("Content Security Policy"));
            assertThat(violations).as("securitypolicyviolation events of the last page").isEmpty();
        }
    }

    /** The CSP refusals the current page has seen (its own record; none for a page that is gone). */
    @SuppressWarnings("unchecked")
    List<String> cspViolations() {
        try {
            Object seen = browser.js("return window.__cspViolations || []");
            return seen instanceof List<?> list ? (List<String>) list : List.of();
        } catch (org.openqa.selenium.WebDriverException pageGone) {
            return List.of();
        }
    }

    /** Waits (bounded) until the condition holds, re-reading the page each time. */
    static void eventually(Supplier<Boolean> condition) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(condition::get);
    }

    /** The log rows of a container that are drawn (on a job page: those on screen and a margin), placeholders aside. */
    @SuppressWarnings("unchecked")
    List<Map<String, String>> rows(String containerTestId) {
        return (List<Map<String, String>>) browser.js("""
            return [...document.querySelectorAll("[data-testid='" + arguments[0] + "'] .log-entry:not(.log-placeholder):not(.log-fold)")].map(r => ({
              line: r.querySelector('.log-line')?.textContent ?? '',
              level: r.querySelector('.log-level')?.textContent ?? '',
              step: r.querySelector('.log-step')?.textContent ?? '',
              message: r.querySelector('.log-message')?.textContent ?? ''}));""", containerTestId);
    }

    /**
     * Every row of a job's log, as a reader scrolling from its first line to its last sees them:
     * the list draws only the rows on screen, so the test scrolls a screen at a time and waits
     * for each screen's rows to be loaded (no placeholder left). For small logs (a few hundred lines).
     */
    @SuppressWarnings("unchecked")
    List<Map<String, String>> allRows() {
        return (List<Map<String, String>>) browser.jsAsync("""
            const done = arguments[arguments.length - 1];
            const c = document.querySelector("[data-testid='log-container']");
            const seen = new Map();
            const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            (async () => {
              c.scrollTop = 0;
              for (let guard = 0; guard < 2000; guard++) {
                await frame();
                for (let wait = 0; wait < 200 && c.querySelector('.log-placeholder'); wait++) await frame();
                for (const r of c.querySelectorAll('.log-entry[data-line]')) {
                  seen.set(Number(r.dataset.line), {
                    line: r.querySelector('.log-line')?.textContent ?? '',
                    level: r.querySelector('.log-level')?.textContent ?? '',
                    step: r.querySelector('.log-step')?.textContent ?? '',
                    message: r.querySelector('.log-message')?.textContent ?? ''});
                }
                if (c.scrollTop + c.clientHeight >= c.scrollHeight - 1) break;
                c.scrollTop += Math.max(1, Math.floor(c.clientHeight * 0.8));
              }
              done([...seen.keys()].sort((a, b) => a - b).map((k) => seen.get(k)));
            })();""");
    }

    /** How many range reads ({@code /logs/range}) the page has made: zero when the live stream brought every line. */
    long rangeReads() {
        return ((Number) browser.js("return performance.getEntriesByType('resource')"
            + ".filter(e => e.name.includes('/logs/range')).length")).longValue();
    }

    String text(String testId) {
        return browser.byTestId(testId).getText();
    }
}
