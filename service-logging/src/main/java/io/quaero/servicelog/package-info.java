/**
 * service-logging: publishes a Quaero service's own log lines to {@link
 * io.quaero.contracts.Topics#SERVICE_LOGS}, in the {@code quaero.service-log/v1} format of
 * shared-contracts.
 *
 * <p>{@link io.quaero.servicelog.KafkaServiceLogAppender} is a Logback appender that never blocks
 * the logging thread: it converts each event on the spot, puts it on a bounded queue (dropping and
 * counting when the queue is full) and lets one daemon thread send batches with its own Kafka
 * producer. {@link io.quaero.servicelog.ServiceLogAutoConfiguration} attaches it to the root
 * logger of every Spring Boot application that has this jar on its classpath and a
 * {@code spring.kafka.bootstrap-servers} setting; {@link
 * io.quaero.servicelog.ServiceLogProperties} lists the {@code quaero.service-logs.*} settings.
 */
@NullMarked
package io.quaero.servicelog;

import org.jspecify.annotations.NullMarked;
