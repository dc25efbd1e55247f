package io.quaero.jobs.accounts;

import java.util.LinkedHashSet;
import java.util.Set;

import io.quaero.access.Names;
import io.quaero.jobs.api.BadRequestException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Reading the accounts API's JSON bodies: every refusal a 400 naming the field. */
final class Fields {

    /** Fewer is guessable; bcrypt reads at most 72 bytes. */
    static final int MIN_PASSWORD = 10;
    static final int MAX_PASSWORD_BYTES = 72;

    private final JsonNode body;

    private Fields(JsonNode body) {
        this.body = body;
    }

    /** The body, which must be an object with no other fields than {@code allowed}. */
    static Fields of(@Nullable JsonNode body, Set<String> allowed) {
        if (body == null || !body.isObject()) {
            throw new BadRequestException("$", "the body must be a JSON object with " + allowed);
        }
        for (String name : body.propertyNames()) {
            if (!allowed.contains(name)) {
                throw new BadRequestException(name, "unknown field '" + name + "'; expected " + allowed);
            }
        }
        return new Fields(body);
    }

    @Nullable String text(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new BadRequestException(field, field + " must be a string");
        }
        return value.stringValue();
    }

    String required(String field) {
        String value = text(field);
        if (value == null || value.isEmpty()) {
            throw new BadRequestException(field, field + " is required");
        }
        return value;
    }

    String name(String field) {
        String name = required(field);
        if (!Names.USER.matcher(name).matches()) {
            throw new BadRequestException(field, field + " must be 1-64 letters, digits, '.', '_', '@' or '-'");
        }
        return name;
    }

    String password(String field) {
        String password = required(field);
        if (password.length() < MIN_PASSWORD) {
            throw new BadRequestException(field, field + " must have at least " + MIN_PASSWORD + " characters");
        }
        if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new BadRequestException(field, field + " must be at most " + MAX_PASSWORD_BYTES + " bytes (bcrypt reads no more)");
        }
        return password;
    }

    Set<String> teams(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Set.of();
        }
        if (!value.isArray() || value.size() > 100) {
            throw new BadRequestException(field, field + " must be an array of at most 100 team names");
        }
        Set<String> teams = new LinkedHashSet<>();
        for (JsonNode t : value) {
            if (!t.isString() || !Names.TEAM.matcher(t.stringValue()).matches()) {
                throw new BadRequestException(field, "each team must be 1-64 letters, digits, '.', '_' or '-'");
            }
            teams.add(t.stringValue());
        }
        return teams;
    }

    /** True when the body has the field at all (a change names only what it changes). */
    boolean has(String field) {
        return body.has(field);
    }

    @Nullable Boolean flag(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new BadRequestException(field, field + " must be true or false");
        }
        return value.booleanValue();
    }

    @Nullable Long positiveLong(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() < 1 || value.longValue() > 3650) {
            throw new BadRequestException(field, field + " must be a whole number from 1 to 3650");
        }
        return value.longValue();
    }
}
