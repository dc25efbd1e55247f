package io.quaero.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quaero.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Issue 10: whatever a producer sends, every decoder returns a valid event or throws {@link
 * InvalidEventException} naming a field — never anything else — so no consumer can be stopped by
 * a record. Random bytes, mutations of valid events, and adversarial values in every field.
 */
class DecodingIsTotalTest {

    private static final UUID JOB = UUID.fromString("5f3c1a2b-0000-4000-8000-00000000000a");
    private static final String KEY = Topics.jobKey(JOB);
    private final RecordRules rules = new RecordRules(RecordRules.DEFAULT_MAX_MESSAGE_BYTES);
    private final EventCodec codec = new EventCodec();

    @Property(tries = 2_000)
    void randomBytesAreAnEventOrANamedRejection(@ForAll @Size(max = 300) byte[] value) {
        assertTotal(value);
    }

    @Property(tries = 3_000)
    void mutatedValidEventsAreAnEventOrANamedRejection(@ForAll("mutations") byte[] value) {
        assertTotal(value);
    }

    @Property(tries = 2_000)
    void adversarialValuesInEveryFieldAreAnEventOrANamedRejection(@ForAll("adversarialDocuments") String json) {
        assertTotal(json.getBytes(StandardCharsets.UTF_8));
    }

    @Example
    void theFourRecordsOfIssue10AreNamedRejections() {
        String id = UUID.randomUUID().toString();
        List<String> poison = List.of(
                "{\"schema\":\"quaero.job-event/v1\",\"type\":\"status\",\"x\":1e2147483648}",
                "{\"schema\":\"quaero.job-event/v1\",\"type\":\"log\",\"event_id\":\"" + id + "\",\"job_id\":\"" + JOB
                        + "\",\"timestamp\":\"0000-06-15T00:00:00Z\",\"level\":\"info\",\"message\":\"m\"}",
                "{\"schema\":\"quaero.job-event/v1\",\"type\":\"status\",\"event_id\":\"" + id + "\",\"job_id\":\"" + JOB
                        + "\",\"timestamp\":\"2026-11-24T10:00:00Z\",\"steps\":[{\"id\":\"a\",\"status\":\"running\"},"
                        + "{\"id\":\"a\",\"status\":\"completed\"}]}");
        for (String json : poison) {
            Throwable t = catchThrowable(() -> rules.jobEvent(KEY, json.getBytes(StandardCharsets.UTF_8)));
            assertThat(t).as(json).isInstanceOf(InvalidEventException.class);
        }
        Throwable t = catchThrowable(() -> rules.serviceLog(
                "{\"schema\":\"quaero.service-log/v1\",\"x\":1e2147483648}".getBytes(StandardCharsets.UTF_8)));
        assertThat(t).isInstanceOf(InvalidEventException.class);
        assertThat(((InvalidEventException) t).field()).isEqualTo("$");
    }

    @Example
    void deepNestingIsANamedRejectionNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        Throwable t = catchThrowable(() -> rules.jobEvent(KEY, deep.getBytes(StandardCharsets.UTF_8)));
        assertThat(t).isInstanceOf(InvalidEventException.class);
    }

    @Example
    void aMessageOverTheByteLimitIsRejectedNamingIt() {
        var small = new RecordRules(10);
        byte[] value = codec.encode(new LogEvent(UUID.randomUUID(), JOB, Instant.now(), io.quaero.contracts.Level.INFO,
                "ééééééé", null, null, null));
        Throwable t = catchThrowable(() -> small.jobEvent(KEY, value));
        assertThat(t).isInstanceOf(InvalidEventException.class);
        assertThat(((InvalidEventException) t).field()).isEqualTo("message");
    }

    @Example
    void aKeyOtherThanTheJobIdIsRejectedNamingJobId() {
        byte[] value = codec.encode(new LogEvent(UUID.randomUUID(), JOB, Instant.now(), io.quaero.contracts.Level.INFO,
                "m", null, null, null));
        for (String key : new String[] {null, "", UUID.randomUUID().toString(), KEY.toUpperCase()}) {
            Throwable t = catchThrowable(() -> rules.jobEvent(key, value));
            assertThat(t).as("key %s", key).isInstanceOf(InvalidEventException.class);
            assertThat(((InvalidEventException) t).field()).isEqualTo("job_id");
        }
        assertThat(rules.jobEvent(KEY, value).jobId()).isEqualTo(JOB);
    }

    private void assertTotal(byte[] value) {
        assertTotalFor(() -> rules.jobEvent(KEY, value), decoded -> codec.decodeJobEvent(codec.encode((JobEvent) decoded)));
        assertTotalFor(() -> rules.serviceLog(value),
                decoded -> codec.decodeServiceLog(codec.encode((ServiceLogEvent) decoded)));
        assertTotalFor(() -> rules.dispatch(KEY, value),
                decoded -> codec.decodeDispatch(codec.encode((DispatchCommand) decoded)));
    }

    /** A value that re-encodes to an equal value, or a rejection naming a field and a reason. */
    private static void assertTotalFor(java.util.function.Supplier<Object> decode,
                                       java.util.function.Function<Object, Object> roundTrip) {
        Object decoded;
        try {
            decoded = decode.get();
        } catch (InvalidEventException e) {
            assertThat(e.field()).isNotBlank();
            assertThat(e.reason()).isNotBlank();
            return;
        }
        assertThat(roundTrip.apply(decoded)).isEqualTo(decoded);
    }

    @Provide
    Arbitrary<byte[]> mutations() {
        Arbitrary<byte[]> valid = Arbitraries.of(validDocuments()).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Combinators.combine(valid, Arbitraries.integers().between(0, 10_000), Arbitraries.bytes(),
                        Arbitraries.of("flip", "insert", "delete", "truncate"))
                .as((bytes, at, b, how) -> {
                    int i = at % bytes.length;
                    return switch (how) {
                        case "flip" -> {
                            byte[] c = bytes.clone();
                            c[i] = b;
                            yield c;
                        }
                        case "insert" -> {
                            byte[] c = new byte[bytes.length + 1];
                            System.arraycopy(bytes, 0, c, 0, i);
                            c[i] = b;
                            System.arraycopy(bytes, i, c, i + 1, bytes.length - i);
                            yield c;
                        }
                        case "delete" -> {
                            byte[] c = new byte[bytes.length - 1];
                            System.arraycopy(bytes, 0, c, 0, i);
                            System.arraycopy(bytes, i + 1, c, i, bytes.length - i - 1);
                            yield c;
                        }
                        default -> java.util.Arrays.copyOf(bytes, i);
                    };
                });
    }

    @Provide
    Arbitrary<String> adversarialDocuments() {
        Arbitrary<String> values = Arbitraries.of(
                "1e2147483648", "-1e-2147483648", "1e400", "123456789012345678901234567890", "-0", "0.0000001",
                "null", "true", "[]", "{}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
                "\"\"", "\" \"", "\"\\u0000\"", "\"a\\r\\nb\"", "\"\\u2028\"", "\"\\ud800\"", "\"\\udfff\\ud800\"",
                "\"\\uD83D\\uDE00\"", "\"0000-06-15T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999999999Z\"",
                "\"9999-12-31T23:59:59-00:01\"", "\"2026-11-24T10:00:00+14:00\"", "\"2026-11-24T10:00:00-18:00\"",
                "\"2026-02-29T10:00:00Z\"", "\"" + JOB + "\"", "\"" + "x".repeat(70_000) + "\"", "\"info\"", "\"running\"",
                "[{\"id\":\"a\",\"status\":\"running\"},{\"id\":\"a\",\"status\":\"failed\"}]",
                "{\"status\":\"running\",\"progress\":1e2147483648}", "[" + "{},".repeat(5_000) + "{}]");
        Arbitrary<String> fields = Arbitraries.of("schema", "type", "event_id", "job_id", "timestamp", "level", "message",
                "step_id", "step_name", "source", "job", "steps", "service", "instance", "logger", "command_id", "job_type",
                "params");
        return Combinators.combine(Arbitraries.of(validDocuments()), fields, values)
                .as((doc, field, value) -> {
                    String replaced = doc.replaceFirst("\"" + field + "\":(\"[^\"]*\"|\\{[^}]*\\}|\\[[^\\]]*\\]|[0-9]+)",
                            java.util.regex.Matcher.quoteReplacement("\"" + field + "\":" + value));
                    return replaced.equals(doc) ? doc.substring(0, doc.length() - 1) + ",\"" + field + "\":" + value + "}"
                            : replaced;
                });
    }

    private List<String> validDocuments() {
        UUID id = UUID.fromString("0b7e3d2a-1111-4c1b-9e8f-0a1b2c3d4e5f");
        Instant at = Instant.parse("2026-11-24T10:00:00.123Z");
        return List.of(
                new String(codec.encode(new LogEvent(id, JOB, at, io.quaero.contracts.Level.WARN, "hello \u001b[31mred",
                        "s1", "Step one", "worker-1")), StandardCharsets.UTF_8),
                new String(codec.encode(new StatusEvent(id, JOB, at, new JobState(io.quaero.contracts.JobStatus.RUNNING, 40),
                        List.of(new StepState("s1", "Step one", io.quaero.contracts.JobStatus.RUNNING)))), StandardCharsets.UTF_8),
                new String(codec.encode(new ServiceLogEvent(id, at, io.quaero.contracts.Level.INFO, "up", "gateway", "h1",
                        "io.quaero.X", JOB)), StandardCharsets.UTF_8),
                new String(codec.encode(new DispatchCommand.RunCommand(id, JOB, at, "load", "{\"rate\":5}")),
                        StandardCharsets.UTF_8));
    }
}
