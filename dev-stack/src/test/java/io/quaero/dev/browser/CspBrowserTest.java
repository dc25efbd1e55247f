package io.quaero.dev.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Issue 14: the pages run under a Content-Security-Policy that a browser enforces. The pages'
 * own scripts (the library, the components, Alpine's CSP build) need no inline script, no eval
 * and no inline style: every browser test fails on a single refusal (see {@link BrowserTest}).
 * These tests show the other half: what an injected script would need is refused, and the
 * refusal is seen by that very check (so a silent check cannot pass for a clean page).
 */
class CspBrowserTest extends BrowserTest {

    @Test
    void injectedScriptEvalAndInlineHandlersAreRefusedWhileThePageItselfWorks() {
        browser.open(stack.url("/jobs"));
        eventually(() -> text("feed-status").equals("live"));
        eventually(() -> !browser.allByTestId("run-type").isEmpty()
            && !browser.byTestId("run-type").findElements(org.openqa.selenium.By.tagName("option")).isEmpty());

        // As an XSS would: a script element, eval (new Function, a string timer), an inline handler.
        // Run from a timer, as page code: what the driver evaluates itself may be exempt from CSP.
        browser.js("""
            setTimeout(() => {
              const s = document.createElement('script');
              s.textContent = 'window.__injected = "inline script"';
              document.head.appendChild(s);
              try { new Function('window.__injected = "new Function"')(); } catch (e) { window.__functionRefused = e.name; }
              setTimeout('window.__injected = "string timer"', 0);
              document.body.insertAdjacentHTML('beforeend', '<img src="/no-such-image" onerror="window.__injected = \\'handler\\'">');
            }, 0);
            """);
        eventually(() -> cspViolations().size() >= 4);
        assertThat(browser.js("return window.__injected === undefined")).as("nothing injected ran").isEqualTo(true);
        assertThat(browser.js("return window.__functionRefused")).isEqualTo("EvalError");
        assertThat(cspViolations()).as("what was refused").allMatch(v -> v.startsWith("script-src"))
            .anyMatch(v -> v.startsWith("script-src-elem")).anyMatch(v -> v.startsWith("script-src-attr"));
        eventually(() -> browser.console().stream().anyMatch(l -> l.contains("Content Security Policy")));

        // What this test provoked is not the page's fault: the base class's check starts afresh.
        browser.js("window.__cspViolations.length = 0");
        browser.console();
    }

    @Test
    void aPageCannotBeShownInAFrameEvenOnItsOwnOrigin() {
        browser.open(stack.url("/jobs"));
        eventually(() -> text("feed-status").equals("live"));
        browser.js("""
            const f = document.createElement('iframe');
            f.id = 'framed';
            f.src = '/service-logs';
            document.body.appendChild(f);
            """);
        // A framed page that loaded would be same-origin, its document readable; a refused one is
        // Chromium's error page, of another origin.
        eventually(() -> browser.console().stream().anyMatch(l -> l.contains("frame-ancestors")));
        assertThat(browser.js("return document.getElementById('framed').contentDocument === null")).isEqualTo(true);
        browser.console();
    }

    @Test
    void everyPageRendersWithoutAnyRefusal() {
        // The base class fails the test on a refusal; here each page is visited and used once.
        for (String page : List.of("/jobs", "/service-logs")) {
            browser.open(stack.url(page));
            eventually(() -> browser.byTestId("service-logs-toggle").isDisplayed());
            browser.byTestId("service-logs-toggle").click();
            eventually(() -> browser.byTestId("service-logs-content").isDisplayed());
            assertThat(cspViolations()).as(page).isEmpty();
            browser.byTestId("service-logs-toggle").click();
        }
    }
}
