package io.quaero.servicelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServiceNamesTest {

    @Test
    void theDevStackMappingSendsEachPackageToItsService() {
        var names = ServiceNames.of("quaero-dev", Map.of(
            "io.quaero.jobs", "job-service",
            "io.quaero.ingest", "log-ingest",
            "io.quaero.gateway", "stream-gateway",
            "io.quaero.web", "web-ui"));

        assertThat(names.serviceFor("io.quaero.jobs.JobController")).isEqualTo("job-service");
        assertThat(names.serviceFor("io.quaero.ingest.history.JobHistoryWriter")).isEqualTo("log-ingest");
        assertThat(names.serviceFor("io.quaero.gateway")).isEqualTo("stream-gateway");
        assertThat(names.serviceFor("io.quaero.web.Ui$Inner")).isEqualTo("web-ui");
        assertThat(names.serviceFor("org.springframework.boot.SpringApplication")).isEqualTo("quaero-dev");
    }

    @Test
    void theLongestPrefixWinsWhateverTheOrderOfTheMap() {
        var map = new LinkedHashMap<String, String>();
        map.put("io", "short");
        map.put("io.quaero.jobs.worker", "longest");
        map.put("io.quaero", "middle");

        var names = ServiceNames.of("default", map);

        assertThat(names.serviceFor("io.quaero.jobs.worker.Runner")).isEqualTo("longest");
        assertThat(names.serviceFor("io.quaero.jobs.Other")).isEqualTo("middle");
        assertThat(names.serviceFor("io.other")).isEqualTo("short");
        assertThat(names.serviceFor("iox.Other")).isEqualTo("default");
    }

    @Test
    void aPrefixWithATrailingDotMeansTheSame() {
        assertThat(ServiceNames.of("d", Map.of("io.quaero.jobs.", "job-service")).serviceFor("io.quaero.jobs.X"))
            .isEqualTo("job-service");
    }

    @Test
    void namesTheWireFormatWouldRejectAreRefusedUpFront() {
        assertThatThrownBy(() -> ServiceNames.of(" ")).hasMessageContaining("service must not be blank");
        assertThatThrownBy(() -> ServiceNames.of("s".repeat(201))).hasMessageContaining("at most 200");
        assertThatThrownBy(() -> ServiceNames.of("d", Map.of("io.quaero", "")))
            .hasMessageContaining("io.quaero").hasMessageContaining("blank");
        assertThatThrownBy(() -> ServiceNames.of("d", Map.of(" ", "x"))).hasMessageContaining("prefix");
    }
}
