package io.quaero.gateway.service;

import io.quaero.contracts.event.ServiceLogEvent;

/** One decoded service log handed to the service streams, with its offset (the topic has one partition). */
record ServiceDelivery(ServiceLogEvent event, long offset) {
}
