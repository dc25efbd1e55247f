package io.quaero.browser;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sets the browser-hardening headers on every response, before the handler runs: so a page, a
 * JSON answer, an event stream, a static file and an error page all have them, and a stream has
 * them in the headers its first flush pushes out. A handler that sets one of these itself keeps
 * its own value (it is written after this).
 *
 * <p>One policy for every response rather than one per content type: the filter cannot know the
 * type before the handler picks it, and the page policy costs a JSON or SSE response nothing (it
 * only restricts what a document may load, and such a response loads nothing). Once per stream,
 * not per event.
 */
public final class BrowserHeaders extends OncePerRequestFilter {

    /**
     * What a page may load and who may frame it. Scripts only from this origin (no inline script,
     * no {@code eval}: Alpine runs as its CSP build); everything else ({@code connect-src} for
     * fetch and EventSource, {@code style-src}, {@code img-src}, fonts) from this origin through
     * {@code default-src}; no plugins; no {@code <base>} to re-point relative URLs; forms post
     * only here; never inside a frame. Inline {@code style} attributes in markup are refused as
     * well (none are used: Alpine sets styles through the CSSOM, which CSP allows).
     */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'");

    /**
     * {@code same-origin}: requests to this origin carry the full referrer, requests anywhere else
     * none. So no page URL (job ids, search terms) leaves the site, while a same-origin form post
     * keeps its real {@code Origin} header (under {@code no-referrer} a form post sends
     * {@code Origin: null}, which an Origin-checking CSRF defence would have to refuse).
     */
    public static final String REFERRER_POLICY = "same-origin";

    /** Every header this filter sets, in the order written. */
    public static final Map<String, String> HEADERS = Map.of(
        "Content-Security-Policy", CONTENT_SECURITY_POLICY,
        // A response is only ever what its Content-Type says: a log line served as text/plain or
        // JSON is never sniffed into HTML or script.
        "X-Content-Type-Options", "nosniff",
        "Referrer-Policy", REFERRER_POLICY,
        // frame-ancestors 'none' says the same to every browser that reads CSP level 2; this is
        // for those that do not.
        "X-Frame-Options", "DENY");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        HEADERS.forEach(response::setHeader);
        chain.doFilter(request, response);
    }
}
