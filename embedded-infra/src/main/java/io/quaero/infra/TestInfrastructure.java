package io.quaero.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one Kafka and Postgres a test JVM shares: started on first use, stopped when the JVM exits.
 * Starting the broker once per run, not per test class, keeps the suite fast (about 3 s once).
 * Ports are free ones and the data lives in a temporary folder that is deleted at exit.
 */
public final class TestInfrastructure {

    private static Infrastructure shared;
    /**
     * What runs on this infrastructure and must stop before it (test application contexts), newest
     * last. Weakly held: a context the test framework has dropped needs no closing here.
     */
    private static final List<WeakReference<AutoCloseable>> users = new ArrayList<>();

    private TestInfrastructure() {
    }

    public static synchronized Infrastructure shared() {
        if (shared == null) {
            try {
                Path dataDir = Files.createTempDirectory("quaero-test-infra");
                var infra = Infrastructure.start(InfraSettings.fromEnvironment(dataDir, 0, 0));
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("quaero test infrastructure shutdown")
                    .unstarted(() -> {
                        closeUsers();
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

    /**
     * Registers something that uses the infrastructure (an application context) to be closed, at
     * JVM exit, before the broker and the database stop. Shutdown hooks run concurrently: without
     * this, a context still closing found Postgres gone and a listener waited out its pool's 30 s
     * connection timeout, holding the JVM's exit. Closing a context twice is harmless (the second
     * call waits for the first).
     */
    public static synchronized void closeBeforeShutdown(AutoCloseable user) {
        users.add(new WeakReference<>(user));
    }

    private static void closeUsers() {
        List<WeakReference<AutoCloseable>> toClose;
        synchronized (TestInfrastructure.class) {
            toClose = new ArrayList<>(users);
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            AutoCloseable user = toClose.get(i).get();
            if (user != null) {
                try {
                    user.close();
                } catch (Exception | LinkageError e) {
                    // Best effort at exit: the infrastructure stops next either way.
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: the folder is under the system temp directory anyway.
        }
    }
}
