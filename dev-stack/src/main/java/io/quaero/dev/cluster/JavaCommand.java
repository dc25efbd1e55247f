package io.quaero.dev.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/** Command lines of the cluster's JVMs: the same JDK as this one. */
final class JavaCommand {

    /** Spring Boot's launcher that runs any main class of an executable jar ({@code loader.main}). */
    private static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    private JavaCommand() {
    }

    /**
     * A main class of this JVM's own class path — the dev-stack jar under {@code ./quaero cluster},
     * the test class path under a test — in a new JVM.
     */
    static List<String> ofThisClassPath(List<String> jvmOptions, Class<?> main) {
        var command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        String classPath = System.getProperty("java.class.path");
        if (isSpringBootJar(classPath)) {
            // An executable jar keeps its libraries nested: its launcher finds them.
            command.addAll(List.of("-Dloader.main=" + main.getName(), "-cp", classPath, PROPERTIES_LAUNCHER));
        } else {
            command.addAll(List.of("-cp", classPath, main.getName()));
        }
        return command;
    }

    private static boolean isSpringBootJar(String classPath) {
        if (!classPath.endsWith(".jar") || classPath.contains(File.pathSeparator)) {
            return false;
        }
        try (var jar = new JarFile(classPath)) {
            return jar.getManifest() != null && jar.getManifest().getMainAttributes().getValue("Start-Class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** A service from its own executable jar, as production runs it. */
    static List<String> ofJar(List<String> jvmOptions, Path jar) {
        var command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        return command;
    }

    /** {@code <module>/target/<module>-<version>-exec.jar}, which {@code ./quaero build} makes. */
    static Path serviceJar(Path repoRoot, String module) throws IOException {
        Path target = repoRoot.resolve(module).resolve("target");
        if (Files.isDirectory(target)) {
            try (var files = Files.list(target)) {
                var jar = files.filter(f -> f.getFileName().toString().matches(module + "-.*-exec\\.jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get();
                }
            }
        }
        throw new IllegalStateException("no executable jar of " + module + " in " + target + ": run ./quaero build");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
