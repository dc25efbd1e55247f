package io.quaero.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the Java decoder and the JSON Schemas honest: for every document in {@code
 * samples/agreement-samples.json}, the schema validator and {@link EventCodec} must both reach the
 * verdict the table states. Producers in other languages can run their own validator over the same
 * table.
 */
class SchemaAgreementTest {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** Draft 2020-12 treats "format" as an annotation unless assertions are switched on. */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private static final Map<String, Schema> SCHEMAS = Map.of(
            "job-event", schema("job-event.v1.schema.json"),
            "service-log", schema("service-log.v1.schema.json"),
            "dispatch", schema("job-dispatch.v1.schema.json"));

    private final EventCodec codec = new EventCodec();

    record Sample(String name, String kind, boolean valid, @Nullable String field, JsonNode document) {}

    static Stream<Arguments> samples() {
        JsonNode table = JSON.readTree(resource("/samples/agreement-samples.json"));
        return table.valueStream()
                .map(row -> new Sample(
                        row.get("name").stringValue(),
                        row.get("kind").stringValue(),
                        row.get("valid").booleanValue(),
                        row.has("field") ? row.get("field").stringValue() : null,
                        row.get("document")))
                .map(sample -> Arguments.argumentSet(sample.name(), sample));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void schemaAndDecoderAgreeWithTheTable(Sample sample) {
        String json = JSON.writeValueAsString(sample.document());

        List<Error> schemaErrors = SCHEMAS.get(sample.kind()).validate(json, InputFormat.JSON);
        InvalidEventException decoderError = catchThrowableOfType(
                InvalidEventException.class, () -> decode(sample.kind(), json.getBytes(StandardCharsets.UTF_8)));

        if (sample.valid()) {
            assertThat(schemaErrors).as("schema errors for %s", json).isEmpty();
            assertThat(decoderError).as("decoder error for %s", json).isNull();
        } else {
            assertThat(schemaErrors).as("schema accepted %s", json).isNotEmpty();
            assertThat(decoderError).as("decoder accepted %s", json).isNotNull();
            assertThat(decoderError.field()).as("field named by %s", decoderError).isEqualTo(sample.field());
        }
    }

    @Test
    void tableCoversBothVerdictsForBothKinds() {
        List<Sample> all = samples().map(a -> (Sample) a.get()[0]).toList();
        assertThat(all).hasSizeGreaterThanOrEqualTo(30);
        for (String kind : SCHEMAS.keySet()) {
            assertThat(all).filteredOn(s -> s.kind().equals(kind)).extracting(Sample::valid).contains(true, false);
        }
    }

    @Test
    void whatTheCodecEncodesConformsToTheSchemas() {
        UUID id = UUID.randomUUID();
        Instant at = Instant.parse("2026-11-23T10:30:00.123456Z");
        List<byte[]> jobEvents = List.of(
                codec.encode(new LogEvent(id, id, at, Level.FATAL, "", "s1", "Load", "worker-2")),
                codec.encode(new LogEvent(id, id, Instant.EPOCH, Level.DEBUG, "m", null, null, null)),
                codec.encode(new StatusEvent(id, id, at, new JobState(JobStatus.CANCELLED, null), List.of())),
                codec.encode(new StatusEvent(id, id, at, null, List.of(new StepState("s1", null, JobStatus.FAILED)))));
        for (byte[] event : jobEvents) {
            assertThat(SCHEMAS.get("job-event").validate(new String(event, StandardCharsets.UTF_8), InputFormat.JSON))
                    .as(new String(event, StandardCharsets.UTF_8))
                    .isEmpty();
        }
        byte[] serviceLog = codec.encode(new ServiceLogEvent(id, at, Level.INFO, "up", "gateway", "h1", null, id));
        assertThat(SCHEMAS.get("service-log").validate(new String(serviceLog, StandardCharsets.UTF_8), InputFormat.JSON))
                .isEmpty();
        for (DispatchCommand command : List.of(
                new DispatchCommand.RunCommand(id, id, at, "load", "{\"rate\":5,\"steps\":{\"nested\":[1,2]}}"),
                new DispatchCommand.CancelCommand(id, id, at))) {
            String json = new String(codec.encode(command), StandardCharsets.UTF_8);
            assertThat(SCHEMAS.get("dispatch").validate(json, InputFormat.JSON)).as(json).isEmpty();
            assertThat(codec.decodeDispatch(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(command);
        }
    }

    @Test
    void schemasAreValidDraft202012Documents() {
        Schema metaSchema = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        for (String file : List.of("job-event.v1.schema.json", "service-log.v1.schema.json", "job-dispatch.v1.schema.json")) {
            assertThat(metaSchema.validate(resource("/schemas/" + file), InputFormat.JSON)).as(file).isEmpty();
        }
    }

    private Object decode(String kind, byte[] json) {
        return switch (kind) {
            case "job-event" -> codec.decodeJobEvent(json);
            case "service-log" -> codec.decodeServiceLog(json);
            default -> codec.decodeDispatch(json);
        };
    }

    private static Schema schema(String file) {
        return REGISTRY.getSchema(resource("/schemas/" + file), InputFormat.JSON);
    }

    private static String resource(String path) {
        try (InputStream in = SchemaAgreementTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
