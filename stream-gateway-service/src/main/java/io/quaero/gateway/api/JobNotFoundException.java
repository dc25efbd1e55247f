package io.quaero.gateway.api;

import java.util.UUID;

/** A job neither created over REST nor seen in any event; answered with 404. */
public final class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(UUID jobId) {
        super("no job " + jobId);
    }
}
