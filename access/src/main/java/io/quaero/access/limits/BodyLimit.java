package io.quaero.access.limits;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

import io.quaero.contracts.ApiError;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The request body limit ({@code quaero.limits.max-body}), before anything parses a body.
 *
 * <p>A declared {@code Content-Length} above the limit is answered 413 at once: not a byte of the
 * body is read. A body without one (chunked) is read through a counting stream that throws
 * {@link BodyTooLargeException} at the first byte past the limit; whoever was reading (a JSON
 * parser, a form decoder) stops there, and this filter answers the same 413. So no service ever
 * holds more than the limit of one request's body, whatever reads it. What is left of a refused
 * body is Tomcat's: it reads and drops up to {@code server.tomcat.max-swallow-size} (2MB) of it to
 * keep the connection, else closes it, so the client reads the 413 instead of a reset.
 *
 * <p>The exception is unchecked on purpose. Parsers turn an {@code IOException} from their input
 * into their own "malformed input" error (Jackson into a {@code JacksonException}, which Spring
 * answers 400): an unchecked one passes through them and through Spring MVC (no handler claims
 * it) back to here. Keep it unchecked if this changes.
 *
 * <p>Not covered: form parameters ({@code application/x-www-form-urlencoded}) that the servlet
 * container decodes itself when someone asks for a parameter (Spring Security's CSRF check asks for
 * {@code _csrf} when the header is missing). Tomcat reads those past this stream, at most
 * {@code server.tomcat.max-http-form-post-size} (2MB). No Quaero endpoint takes a form.
 */
final class BodyLimit extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(BodyLimit.class);

    private final long maxBytes;
    private final JsonMapper json = JsonMapper.builder().build();

    BodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            refuse(response, HttpHeaders.CONTENT_LENGTH, "the body would be " + declared + " bytes; at most " + maxBytes
                + " are accepted");
            return;
        }
        try {
            chain.doFilter(new LimitedRequest(request, maxBytes), response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!(causedBy(e) instanceof BodyTooLargeException tooLarge)) {
                throw e;
            }
            if (response.isCommitted()) {
                // Something answered before it read the whole body (none of ours does): too late to say 413.
                log.debug("{} {}: {}, after the response had started", request.getMethod(), request.getRequestURI(),
                    tooLarge.getMessage());
                return;
            }
            response.resetBuffer();
            refuse(response, "$", tooLarge.getMessage());
        }
    }

    private void refuse(HttpServletResponse response, String field, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(new ApiError(ApiError.BODY_TOO_LARGE, field, message)));
    }

    private static @Nullable Throwable causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException) {
                return t;
            }
        }
        return null;
    }

    /** Thrown by a limited body at the first byte past the limit. */
    static final class BodyTooLargeException extends RuntimeException {

        BodyTooLargeException(long maxBytes) {
            super("the body is longer than the " + maxBytes + " bytes accepted");
        }
    }

    /** The request with its body read through {@link LimitedStream}, whether as bytes or as text. */
    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long maxBytes;
        private @Nullable ServletInputStream stream;
        private @Nullable BufferedReader reader;

        LimitedRequest(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (reader != null) {
                throw new IllegalStateException("getReader() was called on this request already");
            }
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), maxBytes);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                if (stream != null) {
                    throw new IllegalStateException("getInputStream() was called on this request already");
                }
                reader = new BufferedReader(new InputStreamReader(new LimitedStream(super.getInputStream(), maxBytes),
                    charset(getCharacterEncoding())));
            }
            return reader;
        }

        private static Charset charset(@Nullable String name) throws UnsupportedEncodingException {
            if (name == null) {
                return StandardCharsets.ISO_8859_1;
            }
            try {
                return Charset.forName(name);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(name);
            }
        }
    }

    /** Counts what is read; past {@code maxBytes}, throws instead of returning more. */
    private static final class LimitedStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long maxBytes;
        /** Bytes that may still be read; below zero the body was too long. */
        private long remaining;

        LimitedStream(ServletInputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
            this.remaining = maxBytes;
        }

        @Override
        public int read() throws IOException {
            refuseIfOver();
            int b = in.read();
            if (b >= 0 && --remaining < 0) {
                throw new BodyTooLargeException(maxBytes);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            refuseIfOver();
            // One byte more than allowed is enough to know: never read further ahead than that.
            int n = in.read(b, off, (int) Math.min(len, remaining + 1));
            if (n > 0) {
                remaining -= n;
                if (remaining < 0) {
                    throw new BodyTooLargeException(maxBytes);
                }
            }
            return n;
        }

        /** Once over, every later read says so again (a reader that swallowed the first must not read on). */
        private void refuseIfOver() {
            if (remaining < 0) {
                throw new BodyTooLargeException(maxBytes);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
