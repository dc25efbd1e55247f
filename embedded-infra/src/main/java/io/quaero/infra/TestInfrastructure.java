package io.quaero.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one Kafka and Postgres a test JVM shares: started on first use, stopped when the JVM exits.
 * Starting the broker once per run, not per test class, keeps the suite fast (about 3 s once).
 * Ports are free ones and the data lives in a temporary folder that is deleted at exit.
 */
public final class TestInfrastructure {

    private static Infrastructure shared;

    private TestInfrastructure() {
    }

    public static synchronized Infrastructure shared() {
        if (shared == null) {
            try {
                Path dataDir = Files.createTempDirectory("quaero-test-infra");
                var infra = Infrastructure.start(InfraSettings.fromEnvironment(dataDir, 0, 0));
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("quaero test infrastructure shutdown")
                    .unstarted(() -> {
                        infra.close();
                        deleteRecursively(dataDir);
                    }));
                shared = infra;
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the test Kafka and Postgres", e);
            }
        }
        return shared;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: the folder is under the system temp directory anyway.
        }
    }
}
