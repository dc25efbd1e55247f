package io.quaero.access;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import io.quaero.contracts.ApiError;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * The answer to a request no controller handled, in every service: it is as clear as a
 * controller's refusal — a JSON {@link ApiError} for an API call, a short page for a browser —
 * whichever layer turned it away:
 * <ul>
 *   <li>Tomcat itself (a malformed request line, an encoded {@code /} or {@code \} in the path, a
 *       header section too large): its error report, replaced by {@link JsonValve};</li>
 *   <li>Spring Security's firewall (an encoded {@code %}, {@code ;}, CR or LF in the path, ...):
 *       {@link #rejected()};</li>
 *   <li>anything sent to the error page (no such path, a method the path does not take):
 *       {@link ErrorPage}, which replaces Spring Boot's whitelabel page.</li>
 * </ul>
 * The fuzz suite ({@code dev-stack ApiFuzzTest}) is what found each of these answering HTML.
 */
@Configuration(proxyBeanMethods = false)
class UnroutedErrors {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Spring Security's firewall: 400 naming the URL (the default only sets the status, and the HTML error page follows). */
    @Bean
    RequestRejectedHandler rejected() {
        return (request, response, rejected) -> write(response, HttpServletResponse.SC_BAD_REQUEST,
            new ApiError("bad_request", "url", "the URL is not accepted: " + rejected.getMessage()));
    }

    /**
     * Makes {@link JsonValve} the error report of Tomcat's host. Ordered last, so it runs after
     * Spring Boot's own customizer (which adds an HTML {@link ErrorReportValve}) and takes its place.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorReport() {
        abstract class LastCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
        }
        return new LastCustomizer() {
            @Override
            public void customize(TomcatServletWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    var pipeline = context.getParent().getPipeline();
                    for (var valve : pipeline.getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            pipeline.removeValve(valve);
                        }
                    }
                    pipeline.addValve(new JsonValve());
                    ((org.apache.catalina.core.StandardHost) context.getParent()).setErrorReportValveClass(JsonValve.class.getName());
                });
            }

            @Override
            public int getOrder() {
                return Ordered.LOWEST_PRECEDENCE;
            }
        };
    }

    /**
     * What Tomcat answers on its own (before any servlet): an {@link ApiError}. Such a request
     * never reached the application, so there is no better field to name than the request's URL
     * or headers.
     */
    public static final class JsonValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, @Nullable Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0) {
                return;
            }
            try {
                Writer writer = response.getReporter();
                if (writer == null) {
                    return;
                }
                response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                writer.write(JSON.writeValueAsString(status >= 500
                    ? new ApiError(code(status), null, "the service could not answer this request; try again")
                    : new ApiError(code(status), "url", "the request could not be read: its URL or headers are malformed or too large")));
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // The client is gone or the response was already sent: nothing more to say.
            }
        }
    }

    /**
     * The error page of every service (registered as a member of this configuration; Spring Boot's
     * whitelabel page backs off): an API call gets
     * an {@link ApiError}, a browser asking for a page a short page saying what went wrong.
     */
    @RestController
    static final class ErrorPage implements ErrorController {

        @RequestMapping("${server.error.path:${error.path:/error}}")
        ResponseEntity<?> error(HttpServletRequest request) {
            Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            int status = code instanceof Integer i && i >= 400 ? i : HttpServletResponse.SC_NOT_FOUND;
            Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            String path = uri == null ? request.getRequestURI() : uri.toString();
            String accept = request.getHeader(HttpHeaders.ACCEPT);
            HttpStatus known = HttpStatus.resolve(status);
            String reason = known == null ? "error " + status : known.getReasonPhrase();
            if (!path.startsWith("/api/") && accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)) {
                String page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + status + " · Quaero</title></head>"
                    + "<body><h1>" + status + " " + HtmlUtils.htmlEscape(reason) + "</h1><p><a href=\"/jobs\">Back to the jobs</a></p></body></html>";
                return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML).body(page);
            }
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(new ApiError(code(status), status >= 500 ? null : field(status), reason + " (" + path + ")"));
        }
    }

    private static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            default -> status < 500 ? "refused" : "error";
        };
    }

    /** What a status says was wrong in the request. */
    private static String field(int status) {
        return switch (status) {
            case 405 -> "method";
            case 413 -> "body";
            case 415 -> HttpHeaders.CONTENT_TYPE;
            case 431 -> "headers";
            default -> "url";
        };
    }

    private static void write(HttpServletResponse response, int status, ApiError error) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(JSON.writeValueAsBytes(error));
    }
}
