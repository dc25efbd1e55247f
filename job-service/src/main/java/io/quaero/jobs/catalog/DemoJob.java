package io.quaero.jobs.catalog;

import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

import io.quaero.contracts.Level;
import org.springframework.stereotype.Component;

/**
 * A small crawl, the job a newcomer runs first: fetch pages, parse them, index them. Mostly info
 * lines, some debug detail, the odd warning (slow page, retried fetch) and one recovered error,
 * at a human pace so every step transition and the progress bar can be watched.
 */
@Component
public class DemoJob implements JobType {

    private static final List<String> HOSTS = List.of("docs.example.org", "blog.example.org", "shop.example.org");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String title() {
        return "Demo crawl: fetch → parse → index";
    }

    @Override
    public String description() {
        return "Fetches, parses and indexes a handful of pages, with step changes, progress and a few warnings; "
            + "about 20 seconds with the defaults.";
    }

    @Override
    public List<IntParam> params() {
        return List.of(
            new IntParam("pages", 1, 10_000, 40, "How many pages to crawl."),
            new IntParam("delay_ms", 0, 10_000, 150, "Pause per page and step, in milliseconds."));
    }

    @Override
    public void run(JobRun run, JobParams params) {
        int pages = (int) params.get("pages");
        Duration delay = Duration.ofMillis(params.get("delay_ms"));
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        int unitsDone = 0;
        int units = pages * 3;

        run.step("fetch", "Fetch pages");
        run.log(Level.INFO, "Fetching " + pages + " pages from " + HOSTS.size() + " hosts");
        for (int i = 1; i <= pages; i++) {
            String url = "https://" + HOSTS.get(i % HOSTS.size()) + "/page/" + i;
            run.sleep(delay);
            run.log(Level.DEBUG, "GET " + url + " -> 200 (" + (2 + random.nextInt(60)) + " KB)");
            if (i % 17 == 0) {
                run.log(Level.WARN, "GET " + url + " took " + (2 + random.nextInt(4)) + " s (slow host), continuing");
            }
            if (i % 29 == 0) {
                run.log(Level.ERROR, "GET " + url + " -> 503 Service Unavailable; retrying in 1 s");
                run.log(Level.INFO, "GET " + url + " -> 200 on retry");
            }
            run.progress(100 * ++unitsDone / units);
        }
        run.log(Level.INFO, "Fetched " + pages + " pages");

        run.step("parse", "Parse documents");
        long links = 0;
        for (int i = 1; i <= pages; i++) {
            run.sleep(delay);
            int found = 5 + random.nextInt(40);
            links += found;
            run.log(Level.INFO, "Parsed page " + i + ": " + found + " links, title \"Page " + i + "\"");
            if (i % 13 == 0) {
                run.log(Level.WARN, "Page " + i + ": malformed <meta charset>, assumed UTF-8");
            }
            run.progress(100 * ++unitsDone / units);
        }

        run.step("index", "Build search index");
        for (int i = 1; i <= pages; i++) {
            run.sleep(delay);
            run.log(Level.DEBUG, "Indexed page " + i + " (" + (100 + random.nextInt(900)) + " terms)");
            run.progress(100 * ++unitsDone / units);
        }
        run.log(Level.INFO, "Index ready: " + pages + " documents, " + links + " links");
    }
}
