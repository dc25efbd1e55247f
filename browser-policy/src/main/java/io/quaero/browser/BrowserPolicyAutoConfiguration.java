package io.quaero.browser;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Registers {@link BrowserHeaders} on every request and, when {@code quaero.http.allowed-hosts}
 * is set, {@link AllowedHosts}. Both run before any other filter of ours or of a security chain
 * (Spring Security's sits at -100): the headers are set first, so even a refusal carries them;
 * the Host check second, so a rebound request reaches nothing else.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(BrowserPolicyProperties.class)
public class BrowserPolicyAutoConfiguration {

    /** After Boot's character-encoding filter (the highest precedence), before everything else. */
    static final int HEADERS_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;
    static final int HOST_CHECK_ORDER = HEADERS_ORDER + 1;

    @Bean
    FilterRegistrationBean<BrowserHeaders> quaeroBrowserHeaders() {
        var registration = new FilterRegistrationBean<>(new BrowserHeaders());
        registration.setOrder(HEADERS_ORDER);
        return registration;
    }

    @Bean
    FilterRegistrationBean<AllowedHosts> quaeroAllowedHosts(BrowserPolicyProperties properties) {
        var registration = new FilterRegistrationBean<>(new AllowedHosts(properties.hostNames()));
        registration.setOrder(HOST_CHECK_ORDER);
        // Empty: no check at all, not a filter that lets everything through.
        registration.setEnabled(!properties.hostNames().isEmpty());
        return registration;
    }
}
