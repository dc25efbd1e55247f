package io.quaero.contracts.event;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Valid example documents that tests copy and break one field at a time. */
final class Docs {

    static final String EVENT_ID = "0b6f3c3e-6d4f-4a51-9a43-2f1d1c2a7e10";
    static final String JOB_ID = "7d3c9a9e-52b1-4c1e-8f6e-0a0c1b2d3e4f";

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private static final String LOG = """
            {"schema":"quaero.job-event/v1","type":"log","event_id":"%s","job_id":"%s",
             "timestamp":"2026-11-23T10:30:00.123Z","level":"info","message":"Extracted 1200 rows",
             "step_id":"s1","step_name":"Extract Data","source":"worker-1"}
            """.formatted(EVENT_ID, JOB_ID);

    private static final String STATUS = """
            {"schema":"quaero.job-event/v1","type":"status","event_id":"%s","job_id":"%s",
             "timestamp":"2026-11-23T10:30:00.123Z","job":{"status":"running","progress":45},
             "steps":[{"id":"s1","name":"Extract Data","status":"completed"},{"id":"s2","status":"running"}]}
            """.formatted(EVENT_ID, JOB_ID);

    private static final String SERVICE_LOG = """
            {"schema":"quaero.service-log/v1","event_id":"%s","timestamp":"2026-11-23T10:30:00.123Z",
             "level":"warn","message":"consumer lag above 10000","service":"log-ingest","instance":"host-1",
             "logger":"io.quaero.ingest.EventConsumer","job_id":"%s"}
            """.formatted(EVENT_ID, JOB_ID);

    private Docs() {}

    static ObjectNode log() {
        return (ObjectNode) JSON.readTree(LOG);
    }

    static ObjectNode status() {
        return (ObjectNode) JSON.readTree(STATUS);
    }

    static ObjectNode serviceLog() {
        return (ObjectNode) JSON.readTree(SERVICE_LOG);
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    static byte[] bytes(JsonNode document) {
        return JSON.writeValueAsBytes(document);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A copy of {@code base} changed by {@code edit}, as bytes. */
    static byte[] edited(ObjectNode base, Consumer<ObjectNode> edit) {
        edit.accept(base);
        return bytes(base);
    }

    /** The {@code index}th step of a status document. */
    static ObjectNode step(ObjectNode status, int index) {
        return (ObjectNode) status.get("steps").get(index);
    }

    static ObjectNode job(ObjectNode status) {
        return (ObjectNode) status.get("job");
    }
}
