package io.quaero.servicelog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which service a log line belongs to, decided by its logger name.
 *
 * <p>In production every service runs alone and all its lines carry one name. The dev stack hosts
 * every service in one JVM, though, so there a line of {@code io.quaero.jobs.*} must still say
 * {@code job-service}: a prefix map assigns names by logger, the longest matching prefix wins, and
 * everything else keeps the default. Prefixes match whole name segments: {@code io.quaero.jobs}
 * covers {@code io.quaero.jobs} and {@code io.quaero.jobs.Foo}, not {@code io.quaero.jobsearch}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServiceNames {

    private record Rule(String prefix, String service) {
    }

    private final String defaultService;
    private final Map<String, String> byLoggerPrefix;
    /** The rules longest prefix first, so the first match is the longest. */
    private final List<Rule> rules;

    private ServiceNames(String defaultService, Map<String, String> byLoggerPrefix) {
        this.defaultService = Text.requireName("service", defaultService);
        Map<String, String> copy = new LinkedHashMap<>();
        byLoggerPrefix.forEach((prefix, service) -> {
            Objects.requireNonNull(prefix, "logger prefix");
            String normalized = stripTrailingDots(prefix.strip());
            if (normalized.isEmpty()) {
                throw new IllegalArgumentException("logger prefix must not be blank (use the default service instead)");
            }
            copy.put(normalized, Text.requireName("service for logger prefix '" + prefix + "'", service));
        });
        this.byLoggerPrefix = Collections.unmodifiableMap(copy);
        List<Rule> sorted = new ArrayList<>();
        copy.forEach((prefix, service) -> sorted.add(new Rule(prefix, service)));
        sorted.sort(Comparator.comparingInt((Rule r) -> r.prefix().length()).reversed());
        this.rules = List.copyOf(sorted);
    }

    /** Every line belongs to {@code service}. */
    public static ServiceNames of(String service) {
        return new ServiceNames(service, Map.of());
    }

    /**
     * Lines whose logger name starts with a key of {@code byLoggerPrefix} belong to its value
     * (longest prefix wins), all others to {@code defaultService}.
     *
     * @throws IllegalArgumentException if a name is blank or longer than 200 characters
     */
    public static ServiceNames of(String defaultService, Map<String, String> byLoggerPrefix) {
        return new ServiceNames(defaultService, byLoggerPrefix);
    }

    /** The service of a line logged by {@code loggerName}. */
    public String serviceFor(String loggerName) {
        for (Rule rule : rules) {
            if (covers(rule.prefix(), loggerName)) {
                return rule.service();
            }
        }
        return defaultService;
    }

    public String defaultService() {
        return defaultService;
    }

    /** The prefix map as configured (trailing dots removed). */
    public Map<String, String> byLoggerPrefix() {
        return byLoggerPrefix;
    }

    private static boolean covers(String prefix, String loggerName) {
        if (!loggerName.startsWith(prefix)) {
            return false;
        }
        if (loggerName.length() == prefix.length()) {
            return true;
        }
        char next = loggerName.charAt(prefix.length());
        // '$' so that a class prefix also covers its nested classes' loggers.
        return next == '.' || next == '$';
    }

    private static String stripTrailingDots(String prefix) {
        int end = prefix.length();
        while (end > 0 && prefix.charAt(end - 1) == '.') {
            end--;
        }
        return prefix.substring(0, end);
    }

    @Override
    public String toString() {
        return "ServiceNames[default=" + defaultService + ", byLoggerPrefix=" + byLoggerPrefix + "]";
    }
}
