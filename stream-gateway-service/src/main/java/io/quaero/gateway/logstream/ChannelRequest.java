package io.quaero.gateway.logstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import io.quaero.gateway.api.BadParameterException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogQuery;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One channel of a browser's shared connection ({@code GET /api/streams?channels=[…]}): a job's
 * log or the service logs, with its own filters, limit and resume cursor, under a name the
 * browser chose. Every field is checked before the stream starts; a bad one is a 400 naming it
 * ({@code channels[2].level}).
 *
 * @param job the job, or null for the service logs
 */
record ChannelRequest(String id, @Nullable UUID job, LogQuery query) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The channels of {@code channels} (a JSON array), each resuming from its cursor in
     * {@code lastEventId} when the browser reconnects by itself ({@link #compositeId}).
     */
    static List<ChannelRequest> parse(@Nullable String channels, @Nullable String lastEventId, StreamProperties props) {
        JsonNode array;
        try {
            array = channels == null ? null : JSON.readTree(channels);
        } catch (JacksonException e) {
            throw new BadParameterException("channels", "channels is not JSON: " + e.getOriginalMessage());
        }
        // Each channel is a subscription, a session and a share of the connection's queue: the
        // count is bounded (quaero.stream.max-channels) like the streams themselves.
        if (array == null || !array.isArray() || array.isEmpty() || array.size() > props.maxChannels()) {
            throw new BadParameterException("channels", "channels must be a JSON array of 1.." + props.maxChannels() + " channels");
        }
        Map<String, String> resumed = cursors(lastEventId);
        List<ChannelRequest> out = new ArrayList<>();
        var ids = new HashSet<String>();
        for (int i = 0; i < array.size(); i++) {
            String at = "channels[" + i + "]";
            JsonNode c = array.get(i);
            if (!c.isObject()) {
                throw new BadParameterException(at, at + " must be an object");
            }
            String id = text(c, "id", at);
            if (id == null || !ID.matcher(id).matches() || !ids.add(id)) {
                throw new BadParameterException(at + ".id", at + ".id must be 1-40 of A-Z a-z 0-9 _ -, unique");
            }
            boolean service = c.path("service").asBoolean(false);
            String job = text(c, "job", at);
            if (service == (job != null)) {
                throw new BadParameterException(at + ".job", at + " needs exactly one of job (an id) and service (true)");
            }
            UUID jobId = job == null ? null : uuid(job, at + ".job");
            String since = text(c, "since", at);
            LogQuery query;
            try {
                query = LogQuery.parse(text(c, "step", at), text(c, "level", at), text(c, "q", at), text(c, "limit", at),
                    since, resumed.get(id), props);
                if (service) {
                    ServiceStreams.check(query, null, "since");
                }
            } catch (BadParameterException e) {
                throw new BadParameterException(at + "." + e.parameter(), at + "." + e.getMessage());
            }
            out.add(new ChannelRequest(id, jobId, query));
        }
        return out;
    }

    /**
     * The connection's SSE id: every channel's resume cursor, {@code id:cursor} joined by commas.
     * EventSource sends it back as {@code Last-Event-ID} when it reconnects by itself, so each
     * channel resumes exactly.
     */
    static String compositeId(Map<String, String> cursors) {
        var sb = new StringBuilder();
        cursors.forEach((id, cursor) -> {
            if (cursor != null) {
                sb.append(sb.isEmpty() ? "" : ",").append(id).append(':').append(cursor);
            }
        });
        return sb.toString();
    }

    /** Channel id to cursor, from a composite id; a malformed one is a 400 naming Last-Event-ID. */
    private static Map<String, String> cursors(@Nullable String lastEventId) {
        Map<String, String> cursors = new HashMap<>();
        if (lastEventId == null || lastEventId.isBlank()) {
            return cursors;
        }
        for (String part : lastEventId.split(",")) {
            int colon = part.indexOf(':');
            if (colon < 1 || colon == part.length() - 1) {
                throw new BadParameterException("Last-Event-ID", "Last-Event-ID is not channel:cursor pairs: " + lastEventId);
            }
            cursors.put(part.substring(0, colon), part.substring(colon + 1));
        }
        return cursors;
    }

    private static @Nullable String text(JsonNode c, String field, String at) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString() && !v.isNumber()) {
            throw new BadParameterException(at + "." + field, at + "." + field + " must be a string");
        }
        return v.asString();
    }

    private static UUID uuid(String value, String name) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new BadParameterException(name, name + " is not a job id: " + value);
        }
    }
}
