/**
 * log-ingest-service: the only writer of log history and job/step status. {@code history} turns
 * {@code quaero.job-events} into rows, {@code servicelogs} does the same for
 * {@code quaero.service-logs}, both through {@code intake} (decoding, transactions, isolating and
 * dead-lettering what can never be stored); {@code health} says whether ingest keeps up;
 * {@code config} holds the Kafka wiring (topics, batch listener, outage retries) and the settings.
 */
package io.quaero.ingest;
