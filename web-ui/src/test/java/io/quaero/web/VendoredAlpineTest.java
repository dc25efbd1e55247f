package io.quaero.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

import io.quaero.web.config.WebUiSettings;
import org.junit.jupiter.api.Test;

/**
 * The vendored Alpine.js CSP build is the file npm ships, unchanged (its folder's README names the
 * package and this digest), and it is the build that needs no eval.
 */
class VendoredAlpineTest {

    private static final String SHA_256 = "0d18d7f8d7910e2e0212f0f056b12f50bebc3abb7d88d2f7c7cb4c336fe4519a";

    @Test
    void theServedFileIsNpmsAlpineCspBuildUnchanged() throws Exception {
        var settings = new WebUiSettings();
        byte[] file;
        try (InputStream in = WebUiSettings.class.getResourceAsStream("/pages" + settings.alpineScriptPath())) {
            assertThat(in).as(settings.alpineScriptPath()).isNotNull();
            file = in.readAllBytes();
        }
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file))).isEqualTo(SHA_256);
        String text = new String(file, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("new Function").contains("prohibited in the CSP build");
        assertThat(settings.alpineScriptPath()).contains("/" + settings.alpineVersion() + "/");
    }
}
