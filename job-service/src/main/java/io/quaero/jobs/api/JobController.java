package io.quaero.jobs.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import io.quaero.access.Caller;
import io.quaero.access.Names;
import io.quaero.access.limits.Client;
import io.quaero.access.limits.Clients;
import io.quaero.contracts.JobStatus;
import io.quaero.contracts.audit.AuditAction;
import io.quaero.jobs.audit.Auditor;
import io.quaero.jobs.catalog.JobCatalog;
import io.quaero.jobs.catalog.JobParams;
import io.quaero.jobs.catalog.JobType;
import io.quaero.jobs.catalog.PlannedLines;
import io.quaero.jobs.config.JobsProperties;
import io.quaero.jobs.dispatch.JobDispatcher;
import io.quaero.jobs.limits.CreationRate;
import io.quaero.jobs.limits.LoadCaps;
import io.quaero.jobs.store.Executor;
import io.quaero.jobs.store.JobPage;
import io.quaero.jobs.store.JobRecord;
import io.quaero.jobs.store.JobStore;
import io.quaero.jobs.store.NewJob;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The jobs API: create, list, read, cancel and re-run jobs, and list what can be run. Logs and live
 * changes are the stream gateway's ({@code /api/jobs/{id}/logs...}), on the same origin. Creating,
 * cancelling and re-running are recorded in the audit log, in the change's transaction ({@link Auditor}).
 */
@RestController
class JobController {

    private static final tools.jackson.databind.json.JsonMapper PARAMS = tools.jackson.databind.json.JsonMapper.builder().build();
    private static final Set<String> REQUEST_FIELDS = Set.of("type", "executor", "params", "team");
    /** Type names: readable in URLs and logs, for built-in and external types alike. */
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final JobCatalog catalog;
    private final JobDispatcher dispatcher;
    private final JobStore store;
    private final JobsProperties props;
    private final Clients clients;
    private final CreationRate rate;
    private final LoadCaps caps;
    private final Auditor auditor;

    JobController(JobCatalog catalog, JobDispatcher dispatcher, JobStore store, JobsProperties props, Clients clients,
                  CreationRate rate, LoadCaps caps, Auditor auditor) {
        this.clients = clients;
        this.rate = rate;
        this.caps = caps;
        this.auditor = auditor;
        this.catalog = catalog;
        this.dispatcher = dispatcher;
        this.store = store;
        this.props = props;
    }

    /**
     * {@code {"type": "demo", "params": {...}}} runs a built-in type; {@code "executor":
     * "external"} creates a job that the caller's own program runs (any type name, free params).
     * {@code "team"} is whose job it is: one of the caller's teams (any team for an admin); it may
     * be left out when the caller has exactly one.
     *
     * <p>Limits (docs/SECURITY.md): a job planning more lines than one job may is a 400 naming the
     * parameter; past the caller's creation rate 429 {@code too_many_jobs} with {@code Retry-After};
     * past the lines the caller's unfinished jobs may plan, 429 {@code too_much_load}. Checked after
     * the request is valid, so a malformed request costs no token.
     */
    @PostMapping(path = "/api/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobJson> create(@RequestBody JsonNode body, HttpServletRequest request) {
        Client client = clients.current(request);
        if (!body.isObject()) {
            throw new BadRequestException("$", "the body must be a JSON object like {\"type\": \"demo\", \"params\": {}}");
        }
        for (String name : body.propertyNames()) {
            if (!REQUEST_FIELDS.contains(name)) {
                throw new BadRequestException(name, "unknown field '" + name + "'; expected " + REQUEST_FIELDS);
            }
        }
        String type = text(body, "type");
        if (type == null) {
            throw new BadRequestException("type", "type is required, e.g. \"demo\"; GET /api/job-types lists them");
        }
        if (!TYPE_NAME.matcher(type).matches()) {
            throw new BadRequestException("type", "type must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String executorName = text(body, "executor");
        Executor executor = executorName == null ? Executor.BUILTIN : Executor.fromWire(executorName);
        if (executor == null) {
            throw new BadRequestException("executor", "executor must be 'builtin' or 'external', got '" + executorName + "'");
        }
        JsonNode params = body.get("params");
        String paramsJson;
        PlannedLines planned = null;
        if (executor == Executor.BUILTIN) {
            JobType jobType = catalog.find(type).orElseThrow(() -> new BadRequestException("type",
                "unknown job type '" + type + "'; built-in types are " + catalog.types().stream().map(JobType::name).toList()
                    + " (a program of your own can run any type with \"executor\": \"external\")"));
            JobParams values = JobCatalog.validate(jobType, params);
            planned = jobType.plannedLines(values).orElse(null);
            if (planned != null) {
                caps.checkJob(planned);
            }
            paramsJson = toJson(values.values());
        } else {
            if (params != null && !params.isNull() && !params.isObject()) {
                throw new BadRequestException("params", "params must be a JSON object");
            }
            paramsJson = params == null || params.isNull() ? "{}" : params.toString();
        }
        if (paramsJson.getBytes(StandardCharsets.UTF_8).length > props.maxParamsBytes()) {
            throw new BadRequestException("params", "params must be at most " + props.maxParamsBytes() + " bytes of JSON");
        }
        String team = team(text(body, "team"), client.caller());
        return launch(new NewJob(type, executor, paramsJson, team, client.caller().userId(), planned), client,
            AuditAction.JOB_CREATED, Map.of("type", type, "executor", executor.wireName()));
    }

    /**
     * Creates a valid job within the caller's creation rate (the line caps are checked on the
     * way), audited in the same transaction: 201 and the job.
     */
    private ResponseEntity<JobJson> launch(NewJob job, Client client, AuditAction action, Map<String, Object> details) {
        rate.take(client);
        var created = JobJson.of(auditor.change(() -> {
            JobRecord made = dispatcher.create(job, client);
            auditor.record(action, made.id(), job.team(), details);
            return made;
        }), true);
        return ResponseEntity.created(URI.create("/api/jobs/" + created.id())).body(created);
    }

    /** Newest first; {@code next_cursor} (null on the last page) is the {@code before} of the next page. */
    @GetMapping(path = "/api/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> list(@RequestParam(required = false) @Nullable String status,
                             @RequestParam(required = false) @Nullable String type,
                             @RequestParam(required = false) @Nullable Integer limit,
                             @RequestParam(required = false) @Nullable String before) {
        if (status != null) {
            try {
                JobStatus.fromWire(status);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("status", e.getMessage());
            }
        }
        int size = limit == null ? props.defaultPageSize() : limit;
        if (size < 1 || size > props.maxPageSize()) {
            throw new BadRequestException("limit", "limit must be between 1 and " + props.maxPageSize() + ", got " + size);
        }
        JobPage.Position after = null;
        if (before != null) {
            try {
                after = JobPage.Position.parse(before);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("before", e.getMessage() + "; use the next_cursor of the previous page");
            }
        }
        Caller caller = Caller.require();
        JobPage page = store.list(status, type, size, after, caller.isAdmin() ? null : caller.teams());
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("jobs", page.jobs().stream().map(j -> JobJson.of(j, false)).toList());
        body.put("next_cursor", page.next() == null ? null : page.next().text());
        return body;
    }

    /** Another team's job is not found, as one that does not exist: its id says nothing. */
    @GetMapping(path = "/api/jobs/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    JobJson get(@PathVariable UUID id) {
        return JobJson.of(visible(id), true);
    }

    /** 202: the cancel is on its way; the job's stream shows {@code cancelled} when it is done. Audited. */
    @PostMapping(path = "/api/jobs/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobJson> cancel(@PathVariable UUID id) {
        String team = visible(id).team();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(JobJson.of(auditor.change(() -> {
            JobRecord cancelled = dispatcher.cancel(id);
            auditor.record(AuditAction.JOB_CANCELLED, id, team, Map.of());
            return cancelled;
        }), true));
    }

    /**
     * 201 and a new job of the same type, executor, params and team (the original stays as it
     * was). A job first seen in events (a worker that never called the API) has no recorded type
     * or executor to run again: 409.
     */
    @PostMapping(path = "/api/jobs/{id}/rerun", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobJson> rerun(@PathVariable UUID id, HttpServletRequest request) {
        Client client = clients.current(request);
        JobRecord original = visible(id);
        if (original.type() == null || original.executor() == null || original.team() == null) {
            throw new ConflictException("id", "job " + id + " was not created through the API: there is no type, executor or team to run again");
        }
        PlannedLines planned = null;
        if (original.executor() == Executor.BUILTIN) {
            JobType jobType = catalog.find(original.type())
                .orElseThrow(() -> new ConflictException("id", "job type '" + original.type() + "' is no longer built in"));
            // Validated again: the limits and the type's ranges may have changed since.
            planned = jobType.plannedLines(JobCatalog.validate(jobType, PARAMS.readTree(original.paramsJson()))).orElse(null);
            if (planned != null) {
                caps.checkJob(planned);
            }
        }
        return launch(new NewJob(original.type(), original.executor(), original.paramsJson(), original.team(), client.caller().userId(),
            planned), client, AuditAction.JOB_RERUN, Map.of("type", original.type(), "of", id.toString()));
    }

    /** The job, if the caller may see it (its team's member, or an admin). */
    private JobRecord visible(UUID id) {
        Caller caller = Caller.require();
        return store.find(id).filter(j -> caller.sees(j.team())).orElseThrow(() -> new JobNotFoundException(id));
    }

    /** The team a new job belongs to: the one asked for, if the caller may create for it, else the caller's only team. */
    private static String team(@Nullable String asked, Caller caller) {
        if (asked == null) {
            if (caller.teams().size() == 1) {
                return caller.teams().iterator().next();
            }
            throw new BadRequestException("team", caller.teams().isEmpty()
                ? "team is required (you belong to no team: an admin can name any)"
                : "team is required: one of " + new java.util.TreeSet<>(caller.teams()));
        }
        if (!caller.sees(asked)) {
            throw new BadRequestException("team", "team must be one of yours: " + new java.util.TreeSet<>(caller.teams()));
        }
        if (!Names.TEAM.matcher(asked).matches()) {
            throw new BadRequestException("team", "team must be 1-64 letters, digits, '.', '_' or '-'");
        }
        return asked;
    }

    @GetMapping(path = "/api/job-types", produces = MediaType.APPLICATION_JSON_VALUE)
    List<JobTypeJson> types() {
        return JobTypeJson.of(catalog.types());
    }

    private static @Nullable String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new BadRequestException(field, field + " must be a string, got " + value);
        }
        return value.stringValue();
    }

    private static String toJson(Map<String, Long> values) {
        var json = new StringBuilder("{");
        values.forEach((name, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":").append(value));
        return json.append('}').toString();
    }
}
