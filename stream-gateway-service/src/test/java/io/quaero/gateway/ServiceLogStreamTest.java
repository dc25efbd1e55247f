package io.quaero.gateway;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.StatusPayload;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** The service-logs stream the panel on every page shows, against real Kafka, Postgres and ingest. */
@GatewayWithIngestTest
class ServiceLogStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;



    @Test
    void thePanelGetsServiceStatusTheFilteredBacklogThenLiveLinesAndResumesExactly() throws Exception {
        String tag = "svc-" + UUID.randomUUID().toString().substring(0, 8);
        publish(tag, Level.INFO, "started");
        publish(tag, Level.WARN, "slow consumer");
        ServiceLogEvent lastStored = publish(tag, Level.ERROR, "database refused");
        await().atMost(WAIT).until(() -> jdbc.queryForObject(
            "SELECT count(*) FROM service_logs WHERE event_id = ?", Long.class, lastStored.eventId()) == 1);

        String cursor;
        try (var sse = SseClient.open(uri("?level=warn&q=" + tag))) {
            assertThat(sse.status()).isEqualTo(200);
            SseFrame first = sse.next(WAIT);
            assertThat(first.event()).isEqualTo(SseEvents.STATUS);
            var service = first.data(StatusPayload.class).service();
            assertThat(service.instances()).contains(tag + "/inst-1");
            assertThat(service.database()).isEqualTo("up");
            assertThat(service.connectedClients()).isPositive();

            LogsPayload backlog = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(backlog.logs()).extracting(LogEntry::message)
                .containsExactly(tag + " slow consumer", tag + " database refused");
            assertThat(backlog.meta().displayedCount()).isEqualTo(2);
            assertThat(backlog.logs()).allSatisfy(e -> assertThat(e.source()).isEqualTo(tag + "/inst-1"));

            publish(tag, Level.DEBUG, "noise");
            publish(tag, Level.FATAL, "out of memory");
            SseFrame live = sse.next(SseEvents.LOGS, WAIT);
            assertThat(live.data(LogsPayload.class).logs()).extracting(LogEntry::message)
                .containsExactly(tag + " out of memory");
            cursor = live.id();
        }
        publish(tag, Level.ERROR, "while away");
        try (var sse = SseClient.open(uri("?level=warn&q=" + tag), Map.of("Last-Event-ID", cursor))) {
            List<String> messages = new ArrayList<>();
            while (messages.isEmpty()) {
                messages.addAll(sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs().stream()
                    .map(LogEntry::message).toList());
            }
            assertThat(messages).containsExactly(tag + " while away");
        }
    }

    @Test
    void theJsonFallbackAgreesWithTheStreamAndPagesOnWithItsCursor() throws Exception {
        String tag = "fb-" + UUID.randomUUID().toString().substring(0, 8);
        publish(tag, Level.WARN, "one");
        publish(tag, Level.INFO, "two");
        ServiceLogEvent last = publish(tag, Level.ERROR, "three");
        await().atMost(WAIT).until(() -> jdbc.queryForObject(
            "SELECT count(*) FROM service_logs WHERE event_id = ?", Long.class, last.eventId()) == 1);
        LogsPayload streamed;
        try (var sse = SseClient.open(uri("?level=warn&q=" + tag))) {
            streamed = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
        }
        var http = java.net.http.HttpClient.newHttpClient();
        var body = http.send(java.net.http.HttpRequest.newBuilder(fetchUri("?level=warn&q=" + tag)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        LogsPayload fetched = io.quaero.contracts.sse.SseJson.fromJson(body, LogsPayload.class);
        assertThat(fetched.logs()).isEqualTo(streamed.logs());
        assertThat(fetched.meta()).isEqualTo(streamed.meta());

        publish(tag, Level.FATAL, "four");
        await().atMost(WAIT).untilAsserted(() -> {
            var next = io.quaero.contracts.sse.SseJson.fromJson(http.send(java.net.http.HttpRequest.newBuilder(
                    fetchUri("?level=warn&q=" + tag + "&since=" + fetched.nextCursor())).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body(), LogsPayload.class);
            assertThat(next.logs()).extracting(LogEntry::message).containsExactly(tag + " four");
        });
    }

    @Test
    void aStepParameterIsRefusedBecauseServiceLogsHaveNoSteps() {
        try (var sse = SseClient.open(uri("?step=extract"))) {
            assertThat(sse.status()).isEqualTo(400);
            assertThat(sse.body()).contains("\"field\":\"step\"");
        }
    }

    private ServiceLogEvent publish(String service, Level level, String message) throws Exception {
        var event = new ServiceLogEvent(UUID.randomUUID(), Instant.now(), level, service + " " + message, service, "inst-1",
            "io.quaero.Test", null);
        TestProducer.kafka().send(new ProducerRecord<>(Topics.SERVICE_LOGS, Topics.serviceKey(service, "inst-1"), codec.encode(event))).get();
        return event;
    }

    private URI fetchUri(String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/service/logs" + query);
    }

    private URI uri(String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/service/logs/stream" + query);
    }
}
