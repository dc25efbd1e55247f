package io.quaero.contracts.event;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Typed, validating access to the fields of one JSON object, reporting every problem as an
 * {@link InvalidEventException} with the field's path. Keeping the checks here keeps {@link
 * EventCodec} a readable description of the format.
 *
 * <p>A JSON {@code null} in an optional field means the same as leaving the field out: some
 * serialisers write nulls by default, and punishing that would buy nothing.
 */
final class ObjectFields {

    private final JsonNode node;
    private final String path;

    private ObjectFields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** Reads {@code node} as an object located at {@code path} ({@code "$"} for the root). */
    static ObjectFields of(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidEventException(path, expected("object", node));
        }
        return new ObjectFields(node, path);
    }

    /** The object itself, e.g. to keep a free-form part (a command's params) as JSON. */
    JsonNode node() {
        return node;
    }

    private String path(String name) {
        return path.equals("$") ? name : path + "." + name;
    }

    /** Rejects fields outside {@code allowed}: a typo in an optional field must not go unnoticed. */
    ObjectFields allowOnly(Set<String> allowed) {
        for (String name : node.propertyNames()) {
            if (!allowed.contains(name)) {
                throw new InvalidEventException(path(name), "unknown field");
            }
        }
        return this;
    }

    // --- strings ---

    String requiredString(String name) {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new InvalidEventException(path(name), "required field missing");
        }
        return string(name, value);
    }

    @Nullable String optionalString(String name) {
        JsonNode value = present(name);
        return value == null ? null : string(name, value);
    }

    /** An id or name: non-blank, at most {@value Wire#MAX_TEXT_LENGTH} characters. */
    String requiredText(String name) {
        return text(name, requiredString(name));
    }

    @Nullable String optionalText(String name) {
        String value = optionalString(name);
        return value == null ? null : text(name, value);
    }

    /** A string the given parser accepts; the parser's {@link IllegalArgumentException} message is the reason. */
    <T> T requiredEnum(String name, Function<String, T> parser) {
        String value = requiredString(name);
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(path(name), String.valueOf(e.getMessage()));
        }
    }

    // --- structured strings ---

    UUID requiredUuid(String name) {
        return uuid(name, requiredString(name));
    }

    @Nullable UUID optionalUuid(String name) {
        String value = optionalString(name);
        return value == null ? null : uuid(name, value);
    }

    Instant requiredTimestamp(String name) {
        String value = requiredString(name);
        Instant instant;
        try {
            if (!Wire.TIMESTAMP_FORM.matcher(value).matches()) {
                throw new DateTimeParseException("shape", value, 0);
            }
            instant = Wire.timestampOfForm(value);
        } catch (DateTimeException e) {
            throw new InvalidEventException(path(name), Wire.quote(value)
                    + " is not an RFC 3339 date-time with offset in years 0001-9999, e.g. 2026-11-23T10:30:00.123Z");
        }
        if (!Wire.inRange(instant)) {
            throw new InvalidEventException(path(name), Wire.quote(value) + " is outside years 0001-9999 in UTC");
        }
        return instant;
    }

    // --- numbers ---

    /** An optional whole number 0..100. 45.0 counts as whole, as it does in JSON Schema. */
    @Nullable Integer optionalPercent(String name) {
        JsonNode value = present(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || !value.canConvertToExactIntegral()) {
            throw new InvalidEventException(path(name), expected("integer", value));
        }
        BigDecimal number = value.decimalValue();
        if (number.signum() < 0 || number.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new InvalidEventException(path(name), "must be between 0 and 100, got " + number);
        }
        return number.intValueExact();
    }

    // --- nested ---

    @Nullable ObjectFields optionalObject(String name) {
        JsonNode value = present(name);
        return value == null ? null : of(value, path(name));
    }

    /** An optional array of objects; absent and {@code null} both give an empty list. */
    List<ObjectFields> optionalObjects(String name) {
        JsonNode value = present(name);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new InvalidEventException(path(name), expected("array", value));
        }
        List<ObjectFields> elements = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            elements.add(of(value.get(i), path(name) + "[" + i + "]"));
        }
        return elements;
    }

    // --- helpers ---

    private @Nullable JsonNode present(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    private String string(String name, JsonNode value) {
        if (!value.isString()) {
            throw new InvalidEventException(path(name), expected("string", value));
        }
        String s = value.stringValue();
        String problem = Wire.storableProblem(s);
        if (problem != null) {
            throw new InvalidEventException(path(name), problem);
        }
        return s;
    }

    private String text(String name, String value) {
        String problem = Wire.textProblem(value);
        if (problem != null) {
            throw new InvalidEventException(path(name), problem);
        }
        return value;
    }

    private UUID uuid(String name, String value) {
        if (!Wire.isCanonicalUuid(value)) {
            throw new InvalidEventException(path(name), Wire.quote(value) + " is not a canonical UUID (8-4-4-4-12 hex digits)");
        }
        return UUID.fromString(value);
    }

    private static String expected(String type, JsonNode actual) {
        return "expected " + type + ", got " + typeName(actual);
    }

    private static String typeName(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "object";
            case ARRAY -> "array";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
