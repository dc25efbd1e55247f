package io.quaero.jobs.api;

import java.util.UUID;

/** No job with this id: 404. */
public final class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(UUID id) {
        super("no job " + id);
    }
}
