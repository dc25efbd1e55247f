package io.quaero.gateway.filter;

import java.util.Locale;

import io.quaero.contracts.Level;

/**
 * What a client asked to see: one step, a level at or above a threshold, a case-insensitive
 * substring of the message. Null means "any". The SQL in {@code history} applies the same
 * predicate, so live entries and stored ones are judged alike (the seed counted with one
 * predicate and filtered with another; keep both in step if this changes).
 */
public record LogFilter(String stepId, Level minLevel, String query) {

    public static final LogFilter ALL = new LogFilter(null, null, null);

    /** The level and search parts of the filter, for lines that have no step (service logs). */
    public boolean matches(Level level, String message) {
        return (minLevel == null || level.isAtLeast(minLevel))
            && (query == null || containsIgnoreCase(message, query));
    }

    /** Whether a line of this step counts towards {@code total_count}: the step filter alone. */
    public boolean matchesStep(String lineStepId) {
        return stepId == null || stepId.equals(lineStepId);
    }

    public boolean narrowsMoreThanStep() {
        return minLevel != null || query != null;
    }

    /**
     * The search term as an SQL {@code ILIKE} pattern ({@code %, _} and backslash in the term are
     * literal; use with {@code ESCAPE '\'}).
     */
    public String likePattern() {
        return "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static boolean containsIgnoreCase(String text, String term) {
        // Same semantics as SQL ILIKE '%term%' for the text Postgres and Java agree on.
        return text.toLowerCase(Locale.ROOT).contains(term.toLowerCase(Locale.ROOT));
    }
}
