package io.quaero.servicelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;

class LogLineConverterTest {

    private final LoggerContext context = newContext();
    private final LogLineConverter converter =
        new LogLineConverter(ServiceNames.of("svc"), new MessageRenderer(1000, 5));

    private static LoggerContext newContext() {
        var context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }

    private LoggingEvent event(String logger, Level level, String message) {
        return new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, null, null);
    }

    @Test
    void logbackLevelsMapToTheWireLevelsTraceBecomingDebug() {
        assertThat(LogLineConverter.level(event("l", Level.TRACE, "m"))).isEqualTo(io.quaero.contracts.Level.DEBUG);
        assertThat(LogLineConverter.level(event("l", Level.DEBUG, "m"))).isEqualTo(io.quaero.contracts.Level.DEBUG);
        assertThat(LogLineConverter.level(event("l", Level.INFO, "m"))).isEqualTo(io.quaero.contracts.Level.INFO);
        assertThat(LogLineConverter.level(event("l", Level.WARN, "m"))).isEqualTo(io.quaero.contracts.Level.WARN);
        assertThat(LogLineConverter.level(event("l", Level.ERROR, "m"))).isEqualTo(io.quaero.contracts.Level.ERROR);
    }

    @Test
    void anErrorWithTheFatalMarkerIsFatal() {
        LoggingEvent fatal = event("l", Level.ERROR, "m");
        fatal.addMarker(MarkerFactory.getMarker("FATAL"));

        assertThat(LogLineConverter.level(fatal)).isEqualTo(io.quaero.contracts.Level.FATAL);
    }

    @Test
    void theJobIdIsTakenFromTheMdcOnlyWhenItIsACanonicalUuid() {
        UUID id = UUID.randomUUID();
        assertThat(LogLineConverter.jobId(Map.of("job_id", id.toString()))).isEqualTo(id);
        assertThat(LogLineConverter.jobId(Map.of("job_id", "1-2-3-4-5"))).isNull();
        assertThat(LogLineConverter.jobId(Map.of("job_id", "not a uuid at all, but 36 characters"))).isNull();
        assertThat(LogLineConverter.jobId(Map.of())).isNull();
    }

    @Test
    void aLoggerNameIsCutTo200CharactersAndCleaned() {
        LogLine line = converter.convert(event("a\0" + "b".repeat(300), Level.INFO, "m"));

        assertThat(line.logger()).hasSize(200).startsWith("a\uFFFDb");
        assertThat(line.service()).isEqualTo("svc");
    }

    @Test
    void aLoggerContextWithoutMdcStillGivesALineJustWithoutJobId() {
        var bare = new LoggingEvent(getClass().getName(), new LoggerContext().getLogger("l"), Level.INFO, "m", null, null);

        LogLine line = converter.convert(bare);

        assertThat(line.message()).isEqualTo("m");
        assertThat(line.jobId()).isNull();
    }

    @Test
    void theMessageIsFormattedWithItsArguments() {
        var e = new LoggingEvent(getClass().getName(), context.getLogger("l"), Level.INFO, "{} of {}",
            null, new Object[] {3, 7});

        assertThat(converter.convert(e).message()).isEqualTo("3 of 7");
    }
}
