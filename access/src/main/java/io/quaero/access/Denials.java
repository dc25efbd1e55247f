package io.quaero.access;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.quaero.contracts.ApiError;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a refused request is answered. An API call (or an EventSource) gets a JSON
 * {@link ApiError}: 401 {@code unauthenticated} naming what was missing or wrong (the session
 * cookie, or the {@code Authorization} header), 403 {@code forbidden} naming the role needed. A
 * browser asking for a page is sent to the sign-in page, which brings it back afterwards; a stale
 * session cookie is cleared on the way.
 */
final class Denials implements AuthenticationEntryPoint, AccessDeniedHandler {

    /** Where the sign-in page is (web-ui). */
    static final String SIGN_IN_PAGE = "/signin";

    private final JsonMapper json = JsonMapper.builder().build();

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
        throws IOException {
        boolean bearer = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
        if (!bearer && request.getCookies() != null) {
            for (var c : request.getCookies()) {
                if (c.getName().equals(SessionTokens.COOKIE)) {
                    SessionCookie.clear(request, response);
                }
            }
        }
        if (!bearer && wantsPage(request)) {
            String back = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
            response.sendRedirect(SIGN_IN_PAGE + "?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8));
            return;
        }
        write(response, HttpServletResponse.SC_UNAUTHORIZED, new ApiError("unauthenticated",
            bearer ? HttpHeaders.AUTHORIZATION : "cookie " + SessionTokens.COOKIE,
            bearer ? "the API token or session token is unknown, expired or revoked"
                : "sign in first (" + SIGN_IN_PAGE + "), or send Authorization: Bearer <API token>"));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
        throws IOException {
        if (denied instanceof org.springframework.security.web.csrf.CsrfException) {
            write(response, HttpServletResponse.SC_FORBIDDEN, new ApiError("forbidden", "X-XSRF-TOKEN",
                "a request that changes something needs the X-XSRF-TOKEN header with the XSRF-TOKEN cookie's value "
                    + "(or an Authorization header)"));
            return;
        }
        write(response, HttpServletResponse.SC_FORBIDDEN, new ApiError("forbidden", null,
            "your role does not allow this (" + request.getMethod() + " " + request.getRequestURI() + ")"));
    }

    private static boolean wantsPage(HttpServletRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return "GET".equals(request.getMethod()) && accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)
            && !request.getRequestURI().startsWith("/api/");
    }

    private void write(HttpServletResponse response, int status, ApiError error) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(error));
    }
}
