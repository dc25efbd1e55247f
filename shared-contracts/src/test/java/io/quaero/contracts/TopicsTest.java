package io.quaero.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void jobKeyIsTheCanonicalJobId() {
        UUID jobId = UUID.fromString("7D3C9A9E-52B1-4C1E-8F6E-0A0C1B2D3E4F");

        assertThat(Topics.jobKey(jobId)).isEqualTo("7d3c9a9e-52b1-4c1e-8f6e-0a0c1b2d3e4f");
    }

    @Test
    void serviceKeyIsServiceSlashInstance() {
        assertThat(Topics.serviceKey("log-ingest", "host-1")).isEqualTo("log-ingest/host-1");
    }

    @Test
    void topicNamesAreStable() {
        assertThat(Topics.JOB_EVENTS).isEqualTo("quaero.job-events");
        assertThat(Topics.JOB_STATUS).isEqualTo("quaero.job-status");
        assertThat(Topics.SERVICE_LOGS).isEqualTo("quaero.service-logs");
        assertThat(Topics.JOB_DISPATCH).isEqualTo("quaero.job-dispatch");
        assertThat(Topics.DEAD_LETTER).isEqualTo("quaero.dead-letter");
    }
}
