package io.quaero.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The headers, the Host check and their settings, on the servlet API without a server. */
class BrowserPolicyTest {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    @Test
    void everyResponseGetsThePolicyHeadersBeforeTheHandlerRuns() throws Exception {
        var response = new MockHttpServletResponse();
        var seenByHandler = new java.util.HashMap<String, String>();
        new BrowserHeaders().doFilter(request("localhost:8080"), response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest req, HttpServletResponse res) {
                res.getHeaderNames().forEach(n -> seenByHandler.put(n, res.getHeader(n)));
            }
        }));

        assertThat(seenByHandler).containsAllEntriesOf(BrowserHeaders.HEADERS);
        assertThat(response.getHeader("Content-Security-Policy")).isEqualTo(
            "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.getHeader("Referrer-Policy")).isEqualTo("same-origin");
        assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void thePolicyNeverAllowsInlineScriptOrEval() {
        assertThat(BrowserHeaders.CONTENT_SECURITY_POLICY).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval")
            .doesNotContain("*").doesNotContain("data:");
    }

    @ParameterizedTest(name = "Host {0} is answered")
    @ValueSource(strings = {"localhost:8080", "LOCALHOST:8080", "localhost", "127.0.0.1:8080", "[::1]:8080", "[::1]",
        "localhost:9000"})
    void aLoopbackHostIsAnsweredWhateverItsPort(String host) throws Exception {
        var chain = new MockFilterChain();
        var response = new MockHttpServletResponse();
        new AllowedHosts(LOOPBACK).doFilter(request(host), response, chain);

        assertThat(chain.getRequest()).as("passed on").isNotNull();
        assertThat(response.getStatus()).isEqualTo(200);
    }

    @ParameterizedTest(name = "Host ''{0}'' is refused")
    @ValueSource(strings = {"evil.example:8080", "evil.example", "localhost.evil.example:8080", "127.0.0.2:8080",
        "[::2]:8080", "::1", "[::1", "[::1]x", "localhost:8080:1", "0.0.0.0:8080", ""})
    void anyOtherHostIsRefusedWith400NamingTheHeader(String host) throws Exception {
        var chain = new MockFilterChain();
        var response = new MockHttpServletResponse();
        new AllowedHosts(LOOPBACK).doFilter(request(host), response, chain);

        assertThat(chain.getRequest()).as("not passed on").isNull();
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).isEqualTo("application/json");
        assertThat(response.getContentAsString()).contains("\"field\":\"Host\"").contains("quaero.http.allowed-hosts");
        if (!host.isEmpty()) {
            assertThat(response.getContentAsString()).as("the value is not echoed").doesNotContain(host);
        }
    }

    @Test
    void aRequestWithoutHostIsRefused() throws Exception {
        var request = new MockHttpServletRequest("GET", "/jobs");
        request.removeHeader("Host");
        var response = new MockHttpServletResponse();
        new AllowedHosts(LOOPBACK).doFilter(request, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "localhost:8080|localhost", "[::1]:8080|[::1]", "[::1]|[::1]", "Example.COM|example.com", "::1|null",
        "[::1|null", "|null"})
    void theHostNameIsTheHeaderWithoutItsPort(String header, String expected) {
        assertThat(AllowedHosts.hostName(header)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' is refused at startup")
    @ValueSource(strings = {"", " ", "*", "localhost:8080", "::1", "[::1", "http://localhost", "two words"})
    void aSettingThatCannotMatchFailsStartupNamingTheProperty(String host) {
        assertThatIllegalArgumentException().isThrownBy(() -> new BrowserPolicyProperties(List.of(host)))
            .withMessageStartingWith("quaero.http.allowed-hosts: '" + host + "'");
    }

    @Test
    void theHostCheckIsRegisteredOnlyWhenHostsAreGivenAndTheHeadersAlways() {
        var runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BrowserPolicyAutoConfiguration.class));
        runner.run(context -> {
            assertThat(context.getBean("quaeroBrowserHeaders", FilterRegistrationBean.class).isEnabled()).isTrue();
            assertThat(context.getBean("quaeroAllowedHosts", FilterRegistrationBean.class).isEnabled()).isFalse();
        });
        runner.withPropertyValues("quaero.http.allowed-hosts=LocalHost,127.0.0.1,[::1]").run(context -> {
            assertThat(context.getBean("quaeroAllowedHosts", FilterRegistrationBean.class).isEnabled()).isTrue();
            assertThat(context.getBean(BrowserPolicyProperties.class).hostNames())
                .containsExactly("localhost", "127.0.0.1", "[::1]");
        });
        runner.withPropertyValues("quaero.http.allowed-hosts=localhost:8080").run(context ->
            assertThat(context).hasFailed());
    }

    private static MockHttpServletRequest request(String host) {
        var request = new MockHttpServletRequest("GET", "/jobs");
        request.addHeader("Host", host);
        return request;
    }
}
