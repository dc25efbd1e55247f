/**
 * log-ingest-service: the only writer of log history and job/step status. {@code history} turns
 * {@code quaero.job-events} into rows, {@code servicelogs} does the same for
 * {@code quaero.service-logs}, {@code config} holds the Kafka wiring (topics, batch listener, dead
 * letters) and the settings.
 */
package io.quaero.ingest;
