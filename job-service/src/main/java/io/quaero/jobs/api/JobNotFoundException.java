package io.quaero.jobs.api;

import java.util.UUID;

/** No job with this id, or one of another team: 404. */
public final class JobNotFoundException extends NotFoundException {

    public JobNotFoundException(UUID id) {
        super("id", "no job " + id);
    }
}
