package io.quaero.dev.cluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;

/**
 * An outside worker as a user would write one on librdkafka: one long-running {@code kcat -P}
 * with its defaults (partitioner {@code consistent_random}: CRC32 of the key, not Java's murmur2),
 * fed the job's events on its stdin at a steady rate — {@code running}, {@code lines} lines
 * "load line i/n" (as the built-in load job words them), {@code completed}. Runs on its own
 * virtual thread; {@link #close} stops kcat if the job is not over.
 */
final class KcatWorker implements AutoCloseable {

    static final File KCAT = new File("/usr/bin/kcat");
    private static final String STEP = "outside";

    private final EventCodec codec = new EventCodec();
    private final UUID job;
    private final Process kcat;
    private final Thread feeder;
    private volatile String failure;

    /**
     * @param bootstrap the cluster's Kafka bootstrap list
     * @param login     librdkafka settings that log in as the worker user ({@code security.protocol},
     *                  {@code sasl.*}), as {@code ./quaero cluster} writes them: {@code kcat -F}
     *                  keeps the password off the command line; the mechanism is PLAIN
     * @param log       where kcat's own output goes
     */
    KcatWorker(String bootstrap, Path login, UUID job, int rate, int lines, Path log) throws IOException {
        this.job = job;
        // Debian's kcat is on librdkafka 2.0, whose SCRAM Kafka 4 refuses (librdkafka#4895): PLAIN, as the worker user may.
        this.kcat = new ProcessBuilder(KCAT.getPath(), "-F", login.toString(), "-X", "sasl.mechanisms=PLAIN", "-P", "-b", bootstrap,
                "-t", Topics.JOB_EVENTS, "-K", "|")
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        this.feeder = Thread.ofVirtual().name("kcat worker " + job).start(() -> feed(rate, lines));
    }

    private void feed(int rate, int lines) {
        try (OutputStream in = kcat.getOutputStream()) {
            send(in, status(JobStatus.RUNNING, JobStatus.RUNNING));
            long start = System.nanoTime();
            for (int i = 1; i <= lines; i++) {
                send(in, new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO,
                    "load line %d/%d: payload ok".formatted(i, lines), STEP, "Outside worker", "kcat"));
                // Paced by the clock (not a sleep per line): the rate holds over the whole job.
                long due = start + (long) i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    in.flush();
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            send(in, status(JobStatus.COMPLETED, JobStatus.COMPLETED));
        } catch (IOException | InterruptedException | RuntimeException e) {
            failure = e.toString();
        }
    }

    private StatusEvent status(JobStatus job, JobStatus step) {
        return new StatusEvent(UUID.randomUUID(), this.job, Instant.now(), new JobState(job, null),
            List.of(new StepState(STEP, "Outside worker", step)));
    }

    private void send(OutputStream in, JobEvent event) throws IOException {
        in.write((Topics.jobKey(job) + "|").getBytes(StandardCharsets.UTF_8));
        in.write(codec.encode(event));
        in.write('\n');
    }

    /** Waits until kcat has delivered everything and exited; returns what went wrong, or null. */
    String awaitDelivered() throws InterruptedException {
        feeder.join();
        if (!kcat.waitFor(30, TimeUnit.SECONDS)) {
            return "kcat did not exit within 30 s of its input's end";
        }
        return failure != null ? failure : kcat.exitValue() != 0 ? "kcat exited with " + kcat.exitValue() : null;
    }

    @Override
    public void close() {
        feeder.interrupt();
        kcat.destroy();
    }
}
