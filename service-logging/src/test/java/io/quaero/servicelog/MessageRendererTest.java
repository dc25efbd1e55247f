package io.quaero.servicelog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ThrowableProxy;
import org.junit.jupiter.api.Test;

class MessageRendererTest {

    private final MessageRenderer renderer = new MessageRenderer(1000, 5);

    @Test
    void aMessageWithinTheLimitIsKeptAsItIs() {
        assertThat(renderer.render("all good", null)).isEqualTo("all good");
        assertThat(renderer.render(null, null)).isEmpty();
    }

    @Test
    void aLongMessageIsCutToExactlyTheLimitIncludingTheMark() {
        String rendered = renderer.render("y".repeat(5000), null);

        assertThat(rendered).hasSize(1000).endsWith(MessageRenderer.TRUNCATED);
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        int cut = 1000 - MessageRenderer.TRUNCATED.length();
        // An emoji (two chars) straddling the cut.
        String message = "a".repeat(cut - 1) + "\uD83D\uDE00" + "b".repeat(100);

        String rendered = renderer.render(message, null);

        assertThat(rendered).endsWith("a" + MessageRenderer.TRUNCATED).doesNotContain("\uD83D");
        assertThat(rendered.length()).isLessThanOrEqualTo(1000);
    }

    @Test
    void nulAndLoneSurrogatesAreReplacedBecauseTheStoreAndTheEncoderRejectThem() {
        assertThat(renderer.render("a\0b\uD800c\uDC00d\uD83D\uDE00", null))
            .isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uD83D\uDE00");
    }

    @Test
    void theFramesOfTheWholeCauseChainShareOneBudget() {
        var cause = new RuntimeException("inner");
        cause.setStackTrace(frames(30));
        var top = new IllegalStateException("outer", cause);
        top.setStackTrace(frames(3));

        String rendered = renderer.render("failed", new ThrowableProxy(top));

        assertThat(rendered).startsWith("failed\njava.lang.IllegalStateException: outer\n\tat ");
        assertThat(rendered).contains("\nCaused by: java.lang.RuntimeException: inner");
        // 3 frames of the top exception, 2 of the cause, 28 left out.
        assertThat(rendered.split("\n\tat ", -1)).hasSize(1 + 5);
        assertThat(rendered).endsWith("\t... 28 more");
    }

    @Test
    void suppressedExceptionsAreListedByTheirHeadlineOnly() {
        var top = new IllegalStateException("outer");
        top.setStackTrace(frames(1));
        top.addSuppressed(new java.io.IOException("close failed"));

        String rendered = renderer.render("failed", new ThrowableProxy(top));

        assertThat(rendered).contains("\n\tSuppressed: java.io.IOException: close failed");
    }

    @Test
    void aThrowableWithAHugeMessageStaysWithinTheLimit() {
        var top = new IllegalStateException("z".repeat(1_000_000));

        assertThat(renderer.render("failed", new ThrowableProxy(top))).hasSize(1000);
    }

    @Test
    void noFramesAreKeptWhenTheBudgetIsZero() {
        var top = new IllegalStateException("outer");
        top.setStackTrace(frames(4));

        String rendered = new MessageRenderer(1000, 0).render("failed", new ThrowableProxy(top));

        assertThat(rendered).isEqualTo("failed\njava.lang.IllegalStateException: outer\n\t... 4 more");
    }

    private static StackTraceElement[] frames(int n) {
        var frames = new StackTraceElement[n];
        for (int i = 0; i < n; i++) {
            frames[i] = new StackTraceElement("io.quaero.Example", "method" + i, "Example.java", i + 1);
        }
        return frames;
    }
}
