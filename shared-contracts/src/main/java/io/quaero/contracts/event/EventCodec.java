package io.quaero.contracts.event;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts event records to and from their JSON wire form. Thread-safe; create one and share it.
 *
 * <p>The mapping is written out field by field rather than left to data binding, so that the wire
 * format is visible in one place and cannot change because a record component was renamed.
 * Decoding checks exactly the rules of the JSON Schemas in {@code /schemas}, plus one thing a
 * schema cannot see: duplicate keys, which different JSON parsers resolve differently.
 */
public final class EventCodec {

    /** The {@code schema} value of every job event. Bumped only for incompatible changes. */
    public static final String JOB_EVENT_SCHEMA = "quaero.job-event/v1";

    /** The {@code schema} value of every service log event. */
    public static final String SERVICE_LOG_SCHEMA = "quaero.service-log/v1";

    /** The {@code schema} value of every command on the dispatch topic. */
    public static final String DISPATCH_SCHEMA = "quaero.job-dispatch/v1";

    private static final Set<String> LOG_FIELDS = Set.of(
            "schema", "type", "event_id", "job_id", "timestamp", "level", "message", "step_id", "step_name", "source");
    private static final Set<String> STATUS_FIELDS =
            Set.of("schema", "type", "event_id", "job_id", "timestamp", "job", "steps");
    private static final Set<String> MASK_FIELDS = Set.of("schema", "type", "event_id", "job_id", "timestamp", "value");
    private static final Set<String> LOGS_DELETED_FIELDS =
            Set.of("schema", "type", "event_id", "job_id", "timestamp", "deletion_id");
    private static final Set<String> JOB_FIELDS = Set.of("status", "progress");
    private static final Set<String> STEP_FIELDS = Set.of("id", "name", "status");
    private static final Set<String> SERVICE_LOG_FIELDS = Set.of(
            "schema", "event_id", "timestamp", "level", "message", "service", "instance", "logger", "job_id");
    private static final Set<String> RUN_FIELDS =
            Set.of("schema", "type", "command_id", "job_id", "timestamp", "job_type", "params");
    private static final Set<String> CANCEL_FIELDS = Set.of("schema", "type", "command_id", "job_id", "timestamp");

    /**
     * Parser limits, far above any valid document (at most three levels deep, numbers of a few
     * digits, a message of at most 1 MiB) and far below what would cost real memory or time.
     */
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(32)
            .maxNumberLength(100)
            .maxStringLength(2 << 20)
            .maxDocumentLength(8L << 20)
            .build();

    private final JsonMapper mapper = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // Exact decimals, so that 45.0000000000000001 is not mistaken for the integer 45.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    // ------------------------------------------------------------------ decoding

    /**
     * Decodes a value from {@link io.quaero.contracts.Topics#JOB_EVENTS}.
     *
     * @param json the raw Kafka value; {@code null} (a tombstone) is rejected like any bad input
     * @throws InvalidEventException for any input that is not a valid job event
     */
    public JobEvent decodeJobEvent(byte @Nullable [] json) {
        return total(() -> {
            ObjectFields root = parseRoot(json, JOB_EVENT_SCHEMA);
            String type = root.requiredString("type");
            return switch (type) {
                case "log" -> decodeLog(root.allowOnly(LOG_FIELDS));
                case "status" -> decodeStatus(root.allowOnly(STATUS_FIELDS));
                case "mask" -> decodeMask(root.allowOnly(MASK_FIELDS));
                case "logs-deleted" -> {
                    root.allowOnly(LOGS_DELETED_FIELDS);
                    yield new LogsDeletedEvent(root.requiredUuid("event_id"), root.requiredUuid("job_id"),
                            root.requiredTimestamp("timestamp"), root.requiredUuid("deletion_id"));
                }
                default -> throw new InvalidEventException("type", "unknown type " + Wire.quote(type)
                        + ", expected 'log', 'status', 'mask' or 'logs-deleted'");
            };
        });
    }

    /**
     * Decodes a value from {@link io.quaero.contracts.Topics#SERVICE_LOGS}.
     *
     * @throws InvalidEventException for any input that is not a valid service log event
     */
    public ServiceLogEvent decodeServiceLog(byte @Nullable [] json) {
        return total(() -> {
            ObjectFields root = parseRoot(json, SERVICE_LOG_SCHEMA).allowOnly(SERVICE_LOG_FIELDS);
            return new ServiceLogEvent(
                root.requiredUuid("event_id"),
                root.requiredTimestamp("timestamp"),
                root.requiredEnum("level", Level::fromWire),
                root.requiredString("message"),
                root.requiredText("service"),
                root.requiredText("instance"),
                root.optionalText("logger"),
                root.optionalUuid("job_id"));
        });
    }

    /**
     * Decodes a value from {@link io.quaero.contracts.Topics#JOB_DISPATCH}.
     *
     * @throws InvalidEventException for any input that is not a valid command
     */
    public DispatchCommand decodeDispatch(byte @Nullable [] json) {
        return total(() -> {
            ObjectFields root = parseRoot(json, DISPATCH_SCHEMA);
            String type = root.requiredString("type");
            return switch (type) {
            case "run" -> {
                root.allowOnly(RUN_FIELDS);
                ObjectFields params = root.optionalObject("params");
                yield new DispatchCommand.RunCommand(root.requiredUuid("command_id"), root.requiredUuid("job_id"),
                        root.requiredTimestamp("timestamp"), root.requiredText("job_type"),
                        params == null ? "{}" : mapper.writeValueAsString(params.node()));
            }
            case "cancel" -> {
                root.allowOnly(CANCEL_FIELDS);
                yield new DispatchCommand.CancelCommand(
                        root.requiredUuid("command_id"), root.requiredUuid("job_id"), root.requiredTimestamp("timestamp"));
            }
            default -> throw new InvalidEventException("type", "unknown type " + Wire.quote(type) + ", expected 'run' or 'cancel'");
            };
        });
    }

    private static LogEvent decodeLog(ObjectFields root) {
        return new LogEvent(
                root.requiredUuid("event_id"),
                root.requiredUuid("job_id"),
                root.requiredTimestamp("timestamp"),
                root.requiredEnum("level", Level::fromWire),
                root.requiredString("message"),
                root.optionalText("step_id"),
                root.optionalText("step_name"),
                root.optionalText("source"));
    }

    private static MaskEvent decodeMask(ObjectFields root) {
        UUID eventId = root.requiredUuid("event_id");
        UUID jobId = root.requiredUuid("job_id");
        Instant timestamp = root.requiredTimestamp("timestamp");
        String value = root.requiredString("value");
        String problem = MaskEvent.valueProblem(value);
        if (problem != null) {
            // The reason never quotes the value: it is a secret, and reasons go to logs and headers.
            throw new InvalidEventException("value", problem);
        }
        return new MaskEvent(eventId, jobId, timestamp, value);
    }

    private static StatusEvent decodeStatus(ObjectFields root) {
        UUID eventId = root.requiredUuid("event_id");
        UUID jobId = root.requiredUuid("job_id");
        Instant timestamp = root.requiredTimestamp("timestamp");
        ObjectFields jobFields = root.optionalObject("job");
        JobState job = jobFields == null ? null : decodeJob(jobFields.allowOnly(JOB_FIELDS));
        List<StepState> steps = new ArrayList<>();
        Set<String> stepIds = new HashSet<>();
        List<ObjectFields> stepFields = root.optionalObjects("steps");
        for (int i = 0; i < stepFields.size(); i++) {
            ObjectFields step = stepFields.get(i).allowOnly(STEP_FIELDS);
            String id = step.requiredText("id");
            // One state per step per event: storage merges steps by id, and two states for one
            // step in one event have no order between them.
            if (!stepIds.add(id)) {
                throw new InvalidEventException("steps[" + i + "].id", "duplicate step id " + Wire.quote(id));
            }
            steps.add(new StepState(id, step.optionalText("name"), step.requiredEnum("status", JobStatus::fromWire)));
        }
        if (job == null && steps.isEmpty()) {
            throw new InvalidEventException("$", "status event carries neither job nor steps");
        }
        return new StatusEvent(eventId, jobId, timestamp, job, steps);
    }

    private static JobState decodeJob(ObjectFields job) {
        return new JobState(job.requiredEnum("status", JobStatus::fromWire), job.optionalPercent("progress"));
    }

    private ObjectFields parseRoot(byte @Nullable [] json, String expectedSchema) {
        if (json == null) {
            throw new InvalidEventException("$", "no content (a null value, e.g. a Kafka tombstone)");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidEventException("$", "malformed JSON: " + describe(e), e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidEventException("$", "malformed JSON: no content");
        }
        ObjectFields root = ObjectFields.of(tree, "$");
        // The schema is checked first: a document of another schema would fail for confusing reasons.
        String schema = root.requiredString("schema");
        if (!schema.equals(expectedSchema)) {
            throw new InvalidEventException(
                    "schema", "unsupported schema " + Wire.quote(schema) + ", expected '" + expectedSchema + "'");
        }
        return root;
    }

    private static String describe(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        String message = e.getOriginalMessage();
        return at == null ? message : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /**
     * Makes decoding total: whatever a producer sends, the caller gets a value or an {@link
     * InvalidEventException}. The checks above name the field for every rule we know; this is the
     * last line of defence for what a parser or a JDK class may still throw on input we did not
     * foresee (an exponent beyond int range once escaped as a raw NumberFormatException, stopped
     * ingest's batch and killed a gateway's tail). A consumer that can only see the typed error
     * dead-letters or skips the record and keeps running. Keep this wrapper on every decode method.
     */
    private static <T> T total(Supplier<T> decode) {
        try {
            return decode.get();
        } catch (InvalidEventException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new InvalidEventException("$", "cannot be decoded: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + Wire.quote(e.getMessage())), e);
        }
    }

    // ------------------------------------------------------------------ encoding

    /** Encodes a job event for {@link io.quaero.contracts.Topics#JOB_EVENTS}; absent optional fields are omitted. */
    public byte[] encode(JobEvent event) {
        ObjectNode root = mapper.createObjectNode();
        root.put("schema", JOB_EVENT_SCHEMA);
        switch (event) {
            case LogEvent log -> {
                root.put("type", "log");
                putIds(root, log);
                root.put("level", log.level().wireName());
                root.put("message", log.message());
                putIfPresent(root, "step_id", log.stepId());
                putIfPresent(root, "step_name", log.stepName());
                putIfPresent(root, "source", log.source());
            }
            case StatusEvent status -> {
                root.put("type", "status");
                putIds(root, status);
                JobState job = status.job();
                if (job != null) {
                    ObjectNode jobNode = root.putObject("job");
                    jobNode.put("status", job.status().wireName());
                    if (job.progress() != null) {
                        jobNode.put("progress", job.progress().intValue());
                    }
                }
                if (!status.steps().isEmpty()) {
                    ArrayNode steps = root.putArray("steps");
                    for (StepState step : status.steps()) {
                        ObjectNode stepNode = steps.addObject();
                        stepNode.put("id", step.id());
                        putIfPresent(stepNode, "name", step.name());
                        stepNode.put("status", step.status().wireName());
                    }
                }
            }
            case MaskEvent mask -> {
                root.put("type", "mask");
                putIds(root, mask);
                root.put("value", mask.value());
            }
            case LogsDeletedEvent deleted -> {
                root.put("type", "logs-deleted");
                putIds(root, deleted);
                root.put("deletion_id", deleted.deletionId().toString());
            }
        }
        return mapper.writeValueAsBytes(root);
    }

    /** Encodes a service log event for {@link io.quaero.contracts.Topics#SERVICE_LOGS}. */
    public byte[] encode(ServiceLogEvent event) {
        ObjectNode root = mapper.createObjectNode();
        root.put("schema", SERVICE_LOG_SCHEMA);
        root.put("event_id", event.eventId().toString());
        root.put("timestamp", timestamp(event.timestamp()));
        root.put("level", event.level().wireName());
        root.put("message", event.message());
        root.put("service", event.service());
        root.put("instance", event.instance());
        putIfPresent(root, "logger", event.logger());
        if (event.jobId() != null) {
            root.put("job_id", event.jobId().toString());
        }
        return mapper.writeValueAsBytes(root);
    }

    /** Encodes a command for {@link io.quaero.contracts.Topics#JOB_DISPATCH}. */
    public byte[] encode(DispatchCommand command) {
        ObjectNode root = mapper.createObjectNode();
        root.put("schema", DISPATCH_SCHEMA);
        root.put("type", switch (command) {
            case DispatchCommand.RunCommand run -> "run";
            case DispatchCommand.CancelCommand cancel -> "cancel";
        });
        root.put("command_id", command.commandId().toString());
        root.put("job_id", command.jobId().toString());
        root.put("timestamp", timestamp(command.timestamp()));
        if (command instanceof DispatchCommand.RunCommand run) {
            root.put("job_type", run.jobType());
            JsonNode params = mapper.readTree(run.paramsJson());
            if (!params.isObject()) {
                throw new IllegalArgumentException("params: must be a JSON object");
            }
            root.set("params", params);
        }
        return mapper.writeValueAsBytes(root);
    }

    private static void putIds(ObjectNode root, JobEvent event) {
        root.put("event_id", event.eventId().toString());
        root.put("job_id", event.jobId().toString());
        root.put("timestamp", timestamp(event.timestamp()));
    }

    /** Always UTC with "Z"; ISO_INSTANT prints 0, 3, 6 or 9 fraction digits, all valid RFC 3339. */
    private static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    private static void putIfPresent(ObjectNode node, String name, @Nullable String value) {
        if (value != null) {
            node.put(name, value);
        }
    }
}
