package io.quaero.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.quaero.contracts.sse.WireValues;
import org.junit.jupiter.api.Test;

/**
 * The browser reads event names and disconnect reasons from {@code pages/static/js/wire.js}, which
 * is generated from shared-contracts: this test fails when the file and the Java types disagree.
 * To regenerate it: {@code ./mvnw -pl web-ui -am test -Dtest=WireValuesFileTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dquaero.wire.write=true}.
 */
class WireValuesFileTest {

    private static final Path FILE = Path.of("pages/static/js/wire.js");

    @Test
    void theBrowsersWireValuesAreTheOnesSharedContractsDefines() throws IOException {
        String expected = WireValues.javascript();
        if (Boolean.getBoolean("quaero.wire.write")) {
            Files.writeString(FILE, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
            .as("%s is generated from shared-contracts; regenerate it (see this test's comment)", FILE)
            .isEqualTo(expected);
    }
}
