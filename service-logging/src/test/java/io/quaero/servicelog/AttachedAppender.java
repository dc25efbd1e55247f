package io.quaero.servicelog;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** An appender attached to one Logback logger for the length of a test; closing detaches and stops it. */
final class AttachedAppender implements AutoCloseable {

    private final Logger logger;
    private final KafkaServiceLogAppender appender;
    private final boolean wasAdditive;

    private AttachedAppender(Logger logger, KafkaServiceLogAppender appender, boolean additive) {
        this.logger = logger;
        this.appender = appender;
        this.wasAdditive = logger.isAdditive();
        logger.setAdditive(additive);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    /** On the root logger, as the auto-configuration does. */
    static AttachedAppender toRoot(KafkaServiceLogAppender appender) {
        return new AttachedAppender(logger(org.slf4j.Logger.ROOT_LOGGER_NAME), appender, true);
    }

    /** On {@code name} only, its lines kept from the other appenders (e.g. to not flood the console). */
    static AttachedAppender toOnly(String name, KafkaServiceLogAppender appender) {
        return new AttachedAppender(logger(name), appender, false);
    }

    static Logger logger(String name) {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(name);
    }

    KafkaServiceLogAppender appender() {
        return appender;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setAdditive(wasAdditive);
        appender.stop();
    }
}
