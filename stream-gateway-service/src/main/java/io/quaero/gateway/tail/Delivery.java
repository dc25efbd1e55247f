package io.quaero.gateway.tail;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.event.JobEvent;

/** One decoded job event handed to the connections watching its job, with its Kafka position. */
public record Delivery(JobEvent event, Cursor cursor) {
}
