package io.quaero.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README is what worker authors copy from, so its examples must stay valid. */
class ReadmeExamplesTest {

    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL);

    private final EventCodec codec = new EventCodec();

    @Test
    void everyJsonExampleInTheReadmeDecodes() throws IOException {
        // Surefire runs with the module directory as working directory.
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        List<String> examples = JSON_BLOCK.matcher(readme).results().map(m -> m.group(1)).toList();

        assertThat(examples).hasSize(3);
        for (String example : examples) {
            byte[] json = example.getBytes(StandardCharsets.UTF_8);
            Object event = example.contains(EventCodec.SERVICE_LOG_SCHEMA)
                    ? codec.decodeServiceLog(json)
                    : codec.decodeJobEvent(json);
            assertThat(event).as(example).isNotNull();
        }
    }
}
