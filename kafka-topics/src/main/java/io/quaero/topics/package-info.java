/**
 * kafka-topics: every Quaero topic ({@link io.quaero.contracts.Topics}) with its partitions,
 * replication factor and {@code min.insync.replicas} taken from settings, in one place.
 *
 * <p>{@link io.quaero.topics.TopicsAutoConfiguration} declares all of them in every Spring Boot
 * service that has this jar on its classpath, so whichever service starts first creates them, and
 * creates them alike. {@link io.quaero.topics.TopicsProperties} lists the {@code quaero.topics.*}
 * settings; the replication factor has no default.
 */
@NullMarked
package io.quaero.topics;

import org.jspecify.annotations.NullMarked;
