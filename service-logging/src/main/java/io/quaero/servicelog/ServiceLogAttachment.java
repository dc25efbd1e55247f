package io.quaero.servicelog;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Attaches the appender to Logback's root logger while the application context runs.
 *
 * <p>Why a lifecycle bean and not a plain bean: Spring Boot (re)configures Logback early in
 * startup, which resets the logger context and would remove an appender attached any earlier.
 * Lifecycle beans start once the context is refreshed, after that reset. The phase is the lowest,
 * so this starts before the other lifecycle beans (their startup lines are published) and stops
 * after them (so are their shutdown lines).
 *
 * <p>Each context attaches and detaches its own appender instance, so two contexts in one JVM (as
 * in tests) do not disturb each other.
 */
public final class ServiceLogAttachment implements SmartLifecycle {

    /** Early start, late stop; see the class comment. */
    public static final int PHASE = Integer.MIN_VALUE + 1000;

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(ServiceLogAttachment.class);

    private final KafkaServiceLogAppender appender;
    private volatile @Nullable Logger attachedTo;

    public ServiceLogAttachment(KafkaServiceLogAppender appender) {
        this.appender = appender;
    }

    @Override
    public synchronized void start() {
        if (attachedTo != null) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            // Logback is on the classpath but SLF4J is bound to something else; nothing to attach to.
            log.warn("service-logs: SLF4J is bound to {}, not Logback; this service's logs are not published",
                factory.getClass().getName());
            return;
        }
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        attachedTo = root;
        ServiceLogSettings s = appender.settings();
        log.info("service-logs: publishing log lines at {} and above to {} as service '{}', instance '{}'",
            s.threshold(), s.bootstrapServers(), s.services().defaultService(), s.instance());
    }

    @Override
    public synchronized void stop() {
        Logger root = attachedTo;
        attachedTo = null;
        if (root != null) {
            // Detach first, so no line is offered to an appender that is shutting down.
            root.detachAppender(appender);
        }
        // Also when already detached: a Logback reset detaches and stops appenders on its own.
        appender.stop();
    }

    @Override
    public boolean isRunning() {
        return attachedTo != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    public KafkaServiceLogAppender appender() {
        return appender;
    }
}
