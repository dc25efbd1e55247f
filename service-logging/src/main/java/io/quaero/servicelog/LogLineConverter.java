package io.quaero.servicelog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.quaero.contracts.Level;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;

/**
 * Turns a Logback event into a {@link LogLine}. Runs on the logging thread, because the MDC and
 * the lazily formatted message belong to it; hence no I/O and nothing that can block here.
 */
final class LogLineConverter {

    /**
     * Logback has no FATAL; SLF4J bridges (log4j-to-slf4j, for one) log a Log4j FATAL as ERROR with
     * a marker of this name, which is the only way the level can reach us.
     */
    static final String FATAL_MARKER = "FATAL";

    private final ServiceNames services;
    private final MessageRenderer renderer;

    LogLineConverter(ServiceNames services, MessageRenderer renderer) {
        this.services = services;
        this.renderer = renderer;
    }

    LogLine convert(ILoggingEvent event) {
        String loggerName = event.getLoggerName() == null ? "" : event.getLoggerName();
        return new LogLine(
            timestamp(event),
            level(event),
            renderer.render(event.getFormattedMessage(), event.getThrowableProxy()),
            services.serviceFor(loggerName),
            Text.name(loggerName),
            jobId(mdc(event)));
    }

    /** The MDC the event captured; none (rather than a lost line) if the logger context has no MDC support. */
    private static @Nullable Map<String, String> mdc(ILoggingEvent event) {
        try {
            return event.getMDCPropertyMap();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** TRACE and DEBUG are both {@code debug} on the wire, which has no TRACE. */
    static Level level(ILoggingEvent event) {
        return switch (event.getLevel().toInt()) {
            case ch.qos.logback.classic.Level.ERROR_INT -> hasFatalMarker(event) ? Level.FATAL : Level.ERROR;
            case ch.qos.logback.classic.Level.WARN_INT -> Level.WARN;
            case ch.qos.logback.classic.Level.INFO_INT -> Level.INFO;
            default -> Level.DEBUG;
        };
    }

    /**
     * The job id from the MDC, if it is a canonical UUID; anything else is ignored rather than
     * failing the line, because the MDC is filled by code this module does not control.
     */
    static @Nullable UUID jobId(@Nullable Map<String, String> mdc) {
        if (mdc == null) {
            return null;
        }
        String value = mdc.get(JobMdc.KEY);
        // UUID.fromString also accepts short groups ("1-2-3-4-5"), which are not the canonical form.
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean hasFatalMarker(ILoggingEvent event) {
        List<Marker> markers = event.getMarkerList();
        if (markers == null) {
            return false;
        }
        for (Marker marker : markers) {
            if (marker != null && marker.contains(FATAL_MARKER)) {
                return true;
            }
        }
        return false;
    }

    private static Instant timestamp(ILoggingEvent event) {
        Instant instant = event.getInstant();
        return instant != null ? instant : Instant.ofEpochMilli(event.getTimeStamp());
    }
}
