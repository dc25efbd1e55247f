package io.quaero.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

import io.quaero.gateway.filter.LogFilter;
import io.quaero.infra.TestInfrastructure;
import org.junit.jupiter.api.Test;

/**
 * A job's search condition ({@link LogRows.Predicate#JOB_SEARCH}, ILIKE written out so that a line
 * is checked in half the time) finds exactly what {@code ILIKE} finds, in the real database: for
 * lines and terms where case folding is hard (sharp s, dotted and dotless i, final sigma, title-case
 * digraphs, ligatures, the Kelvin sign, accents, emoji) and for the characters a pattern treats
 * specially, which a term holds literally.
 */
class SearchSemanticsTest {

    private static final List<String> LINES = List.of(
        "Straße gesperrt", "STRASSE GESPERRT", "ẞ capital sharp s", "İstanbul", "istanbul", "ıslak", "ISLAK",
        "ΣΊΣΥΦΟΣ", "σίσυφος", "ǅemal Ǆ ǆ", "École", "ÉCOLE", "e\u0301cole (combining accent)", "50% done", "a_b and a-b",
        "C:\\temp\\x", "ﬃ ligature", "ffi letters", "273 \u212A (Kelvin)", "273 k", "🚀 launched", "tab\there", "");

    private static final List<String> TERMS = List.of(
        "ss", "ß", "ẞ", "i", "İ", "ı", "I", "σ", "ς", "Σ", "ǅ", "ǆ", "école", "ÉCOLE", "\u0301", "%", "_", "\\", "\\t",
        "k", "K", "\u212A", "ﬃ", "ffi", "🚀", "a_b", "50%", "e", "", " ");

    @Test
    void aJobsSearchFindsExactlyWhatIlikeFinds() throws Exception {
        var e = TestInfrastructure.shared().endpoints();
        List<String> patterns = TERMS.stream().filter(t -> !t.isEmpty()).map(t -> new LogFilter(null, null, t).likePattern()).toList();
        String jobSearch = LogRows.Predicate.JOB_SEARCH.replace("?", "t.pattern");
        List<String> disagreements = new ArrayList<>();
        long checked;
        try (var db = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
             var ps = db.prepareStatement("""
                 SELECT count(*) FILTER (WHERE (message ILIKE t.pattern ESCAPE '\\') IS DISTINCT FROM (%s)),
                        count(*), count(*) FILTER (WHERE message ILIKE t.pattern ESCAPE '\\'),
                        string_agg(CASE WHEN (message ILIKE t.pattern ESCAPE '\\') IS DISTINCT FROM (%s)
                                   THEN message || ' / ' || t.pattern END, '; ')
                 FROM unnest(?::text[]) AS m(message), unnest(?::text[]) AS t(pattern)""".formatted(jobSearch, jobSearch))) {
            ps.setArray(1, db.createArrayOf("text", LINES.toArray()));
            ps.setArray(2, db.createArrayOf("text", patterns.toArray()));
            try (var rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    disagreements.add(rs.getString(4));
                }
                checked = rs.getLong(2);
                assertThat(rs.getLong(3)).as("the pairs include matches, not only misses").isGreaterThan(LINES.size());
            }
        }
        assertThat(checked).isEqualTo((long) LINES.size() * patterns.size());
        assertThat(disagreements).isEmpty();
    }
}
