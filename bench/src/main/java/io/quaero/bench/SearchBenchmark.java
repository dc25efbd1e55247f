package io.quaero.bench;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.MatchesPayload;
import io.quaero.contracts.sse.RangePayload;
import io.quaero.contracts.sse.SseJson;
import io.quaero.infra.Endpoints;
import io.quaero.infra.InfraSettings;
import io.quaero.infra.Infrastructure;
import org.flywaydb.core.Flyway;

/**
 * Issue 14's benchmark: what one search request costs on a job of N lines (default 1,000,000),
 * before and after search was bounded by the lines it reads, for terms of one, two and three or
 * more characters, rare and common, printed side by side.
 *
 * <p>Both sides are the real gateway, from its executable jar, on the same database. <b>Before</b>
 * is the gateway told to read any search whole ({@code quaero.stream.search-scan-rows} at its
 * maximum, which no job here exceeds, and no statement timeout): then it runs exactly the two
 * statements it ran for every search until issue 14, the page and the {@code count(*)} over the
 * job. <b>After</b> is its defaults. Each figure is the median of {@value #RUNS} requests
 * ({@code GET /api/jobs/{id}/logs?q=…&limit=100}) after one warm-up. For the after side the table
 * also gives what it takes to read back through the whole job, page by page from each page's
 * {@code scanned_to} (what a client of the fetch API does): the same work as before,
 * now in requests of bounded cost.
 *
 * <p>The lines are written by one SQL statement (not through Kafka and ingest, which would take
 * minutes here and measure nothing of search): ~110-byte messages like the ingest benchmark's,
 * "processed item 42 of batch 0 in 571 ms, checksum …", one line in 10,000 ending in "marker".
 * One job fills the table; a real table holds many jobs, which a search of one job never reads
 * (it walks the job's offset index; job_logs has no trigram index since issue 16).
 */
final class SearchBenchmark {

    private static final int RUNS = 5;
    /** Most requests of one read-back before it is given up (printed as such). */
    private static final int MAX_WALK = 1_000;

    /** What is searched, and what it shows. */
    private record Term(String label, String q) {
    }

    private static final List<Term> TERMS = List.of(
        new Term("1 char, no line", "z"),
        new Term("1 char, every line", "k"),
        new Term("2 chars, no line", "zq"),
        new Term("2 chars, every line", "ms"),
        new Term("3+ chars, no line", "zqx"),
        new Term("3+ chars, 1 line in 10,000", "marker"),
        new Term("3+ chars, every line", "batch"));

    /** One term's figures on one gateway. */
    private record Timing(double medianMs, int entries, long displayed, boolean partial, int walkRequests, double walkMs,
                          long walkEntries) {
    }

    private SearchBenchmark() {
    }

    static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        Path jar = GatewayBenchmark.gatewayJar();
        Path data = Files.createTempDirectory("quaero-bench-search");
        System.out.printf("search benchmark: one job of %,d lines, %d cores, data in %s%n", lines,
            Runtime.getRuntime().availableProcessors(), data);
        try (var stores = new BenchStores(data); var infra = Infrastructure.start(InfraSettings.fromEnvironment(data, 0, 0))) {
            Endpoints e = infra.endpoints();
            Flyway.configure().dataSource(e.jdbcUrl(), e.dbUser(), e.dbPassword()).load().migrate();
            UUID job = load(e, lines);
            BenchCaller.register(e);
            Path copy = Files.copy(jar, data.resolve("stream-gateway-service.jar"));
            List<Timing> before = measure(copy, e, data, job, "before", false,
                List.of("--quaero.stream.search-scan-rows=10000000", "--quaero.db.statement-timeout=0"), null);
            var viewer = new ArrayList<Viewer>();
            List<Timing> after = measure(copy, e, data, job, "after", true, List.of(), viewer);
            print(lines, before, after);
            printViewer(lines, viewer);
        }
    }

    /** The job and its lines, counters and progress, as ingest would have stored them; vacuumed and analysed. */
    private static UUID load(Endpoints e, int lines) throws Exception {
        UUID job = UUID.randomUUID();
        long start = System.nanoTime();
        try (Connection db = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
             var st = db.createStatement()) {
            st.execute("SELECT create_log_partition('job_logs', (now() AT TIME ZONE 'UTC')::date)");
            st.execute("INSERT INTO jobs (id, status, last_line, kafka_partition) VALUES ('%s', 'completed', %d, 0)"
                .formatted(job, lines));
            st.execute("""
                INSERT INTO job_logs (job_id, line, event_id, kafka_partition, kafka_offset, ts, level, step_id, step_name, source, message)
                SELECT '%s', i, gen_random_uuid(), 0, i - 1, now(),
                       CASE WHEN i %% 50 = 0 THEN 3 WHEN i %% 10 = 0 THEN 2 ELSE 1 END,
                       'step-' || (i %% 3), 'Step ' || (i %% 3), 'bench-worker-' || (i %% 4),
                       'processed item ' || i || ' of batch ' || (i / 1000) || ' in ' || (i::bigint * 7919 %% 900) || ' ms, checksum '
                           || md5(i::text) || CASE WHEN i %% 10000 = 0 THEN ' marker' ELSE '' END
                FROM generate_series(1, %d) i""".formatted(job, lines));
            st.execute("""
                INSERT INTO job_log_counts (job_id, step_id, level, lines)
                SELECT job_id, coalesce(step_id, ''), level, count(*) FROM job_logs WHERE job_id = '%s' GROUP BY 1, 2, 3"""
                .formatted(job));
            st.execute("INSERT INTO ingest_progress (topic, kafka_partition, next_offset) VALUES ('quaero.job-events', 0, %d)"
                .formatted(lines));
            // What autovacuum does to a table this size soon after: statistics, and the visibility map
            // that lets the offset index answer alone.
            st.execute("VACUUM ANALYZE job_logs");
        }
        System.out.printf("stored %,d lines in %.0f s (one INSERT … SELECT, with every index), vacuumed%n", lines,
            (System.nanoTime() - start) / 1e9);
        return job;
    }

    /**
     * @param viewer where the job page's reads by position are measured (issue 15), or null: not on
     *               this gateway
     */
    private static List<Timing> measure(Path jar, Endpoints e, Path data, UUID job, String name, boolean walk,
                                        List<String> settings, List<Viewer> viewer) throws Exception {
        Path log = data.resolve("gateway-" + name + ".log");
        var timings = new ArrayList<Timing>();
        try (var gateway = ServiceJarProcess.start(jar, e, log, List.of(), settings);
             var http = HttpClient.newHttpClient()) {
            gateway.awaitUp("gatewayTail", Duration.ofSeconds(120));
            System.out.printf("%s: gateway pid %d %s, log %s%n", name, gateway.pid(), settings, log);
            var base = gateway.base().resolve("/api/jobs/" + job + "/logs");
            for (Term term : TERMS) {
                double[] ms = new double[RUNS];
                LogsPayload page = null;
                for (int i = -1; i < RUNS; i++) {
                    long t = System.nanoTime();
                    page = get(http, base + "?limit=100&q=" + term.q());
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - t) / 1e6;
                    }
                }
                Arrays.sort(ms);
                int requests = 0;
                double walkMs = 0;
                long walkEntries = page.logs().size();
                // A term that fills its pages pages as any filter does; one that does not is read back by windows.
                if (walk && page.logs().size() < 100) {
                    LogsPayload p = page;
                    long t = System.nanoTime();
                    while (p.meta().hasMore() && requests < MAX_WALK) {
                        String before = p.meta().scannedTo() != null ? p.meta().scannedTo() : p.logs().getFirst().cursor();
                        p = get(http, base + "?limit=100&q=" + term.q() + "&before=" + before);
                        walkEntries += p.logs().size();
                        requests++;
                    }
                    walkMs = (System.nanoTime() - t) / 1e6;
                }
                var timing = new Timing(ms[RUNS / 2], page.logs().size(), page.meta().displayedCount(),
                    page.meta().countedFrom() != null, requests, walkMs, walkEntries);
                timings.add(timing);
                System.out.printf("  %-28s %8.1f ms  (%d entries, displayed_count %,d%s)%n", term.label(), timing.medianMs(),
                    timing.entries(), timing.displayed(), timing.partial() ? " among the newest window" : "");
            }
            if (viewer != null) {
                measureViewer(http, base.toString(), job, viewer);
            }
        }
        return timings;
    }

    /** One read of the job page's viewer, its median time and what it answered. */
    private record Viewer(String what, String query, double medianMs, String answer) {
    }

    /**
     * The viewer's reads, which are over the whole log (no search window; the statement timeout
     * bounds them): find's "n of N" for every term ({@code …/logs/matches?after=0&limit=1}, its
     * first match and the total), and a page in the middle of the unfiltered, warn+, error+ and
     * a search's view ({@code …/logs/range?from=}): the positions a filtered view counts.
     */
    private static void measureViewer(HttpClient http, String base, UUID job, List<Viewer> out) throws Exception {
        for (Term term : TERMS) {
            String query = "/matches?q=" + term.q() + "&after=0&limit=1";
            double ms = median(http, base + query);
            var found = SseJson.fromJson(body(http, base + query), MatchesPayload.class);
            out.add(new Viewer("find \"n of N\": " + term.label(), query, ms, "%,d matches".formatted(found.total())));
        }
        for (String filter : List.of("", "level=warn&", "level=error&", "q=marker&")) {
            var total = SseJson.fromJson(body(http, base + "/range?" + filter + "from=0&count=1"), RangePayload.class).meta().displayedCount();
            String query = "/range?" + filter + "from=" + total / 2 + "&count=200";
            double ms = median(http, base + query);
            var range = SseJson.fromJson(body(http, base + query), RangePayload.class);
            out.add(new Viewer("range in the middle of " + (filter.isEmpty() ? "the whole log" : filter.substring(0, filter.length() - 1)),
                query, ms, "%d entries from position %,d of %,d".formatted(range.logs().size(), range.from(), total)));
        }
        out.forEach(v -> System.out.printf("  %-45s %8.1f ms  (%s)%n", v.what(), v.medianMs(), v.answer()));
    }

    /** The median of {@value #RUNS} requests after one warm-up. */
    private static double median(HttpClient http, String url) throws Exception {
        double[] ms = new double[RUNS];
        for (int i = -1; i < RUNS; i++) {
            long t = System.nanoTime();
            body(http, url);
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[RUNS / 2];
    }

    private static void printViewer(int lines, List<Viewer> viewer) {
        System.out.printf("%nThe job page's viewer on the same job (%,d lines), its defaults, median of %d:%n", lines, RUNS);
        System.out.printf("| read | request (…/api/jobs/{id}/logs…) | ms | answer |%n|---|---|---|---|%n");
        viewer.forEach(v -> System.out.printf("| %s | `%s` | %.1f | %s |%n", v.what(), v.query(), v.medianMs(), v.answer()));
        double worstFind = viewer.stream().filter(v -> v.query().startsWith("/matches")).mapToDouble(Viewer::medianMs).max().orElse(0);
        double worstRange = viewer.stream().filter(v -> v.query().startsWith("/range")).mapToDouble(Viewer::medianMs).max().orElse(0);
        System.out.printf("RESULT viewer worst find count %.0f ms, worst range %.0f ms (%,d lines)%n", worstFind, worstRange, lines);
    }

    private static LogsPayload get(HttpClient http, String url) throws Exception {
        return SseJson.fromJson(body(http, url), LogsPayload.class);
    }

    private static String body(HttpClient http, String url) throws Exception {
        var response = http.send(BenchCaller.request(java.net.URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static void print(int lines, List<Timing> before, List<Timing> after) {
        System.out.printf("%nOne search request (newest page, limit 100) on a job of %,d lines, median of %d:%n", lines, RUNS);
        System.out.printf("| term | before ms | after ms | after / before | after: entries, count | after: read back through the whole job |%n");
        System.out.printf("|---|---|---|---|---|---|%n");
        for (int i = 0; i < TERMS.size(); i++) {
            Timing b = before.get(i);
            Timing a = after.get(i);
            String walk = a.entries() >= 100 ? "pages of 100, as before"
                : a.walkRequests() == 0 ? "nothing more to read"
                : a.walkRequests() >= MAX_WALK ? "given up after %d requests".formatted(MAX_WALK)
                : "%d more requests, %.0f ms, %,d entries in all".formatted(a.walkRequests(), a.walkMs(), a.walkEntries());
            System.out.printf("| %s (`%s`) | %.1f | %.1f | %.2f | %d, %,d%s | %s |%n", TERMS.get(i).label(), TERMS.get(i).q(),
                b.medianMs(), a.medianMs(), a.medianMs() / b.medianMs(), a.entries(), a.displayed(), a.partial() ? "+" : "", walk);
        }
        double worstBefore = before.stream().mapToDouble(Timing::medianMs).max().orElse(0);
        double worstAfter = after.stream().mapToDouble(Timing::medianMs).max().orElse(0);
        System.out.printf("RESULT search worst request %.0f ms before, %.0f ms after (%,d lines, %d terms)%n", worstBefore, worstAfter,
            lines, TERMS.size());
    }
}
