package io.quaero.access.limits;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * The limits every web service shares (once in the dev stack): who a request is from
 * ({@link Clients}) and the body limit ({@link BodyLimit}). The services' own limits use them:
 * the gateway's stream admission, job-service's creation rate and load caps.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(LimitsProperties.class)
public class LimitsConfiguration {

    /**
     * After module browser-policy's filters (highest precedence + 10 and + 11: a refusal carries
     * the browser headers, and a foreign Host is refused before its body is looked at), long before
     * Spring Security's chain (-100) and Spring's form filter, either of which may read a body.
     */
    static final int BODY_LIMIT_ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

    @Bean
    Clients quaeroClients(LimitsProperties props) {
        return new Clients(props);
    }

    @Bean
    FilterRegistrationBean<BodyLimit> quaeroBodyLimit(LimitsProperties props) {
        var registration = new FilterRegistrationBean<>(new BodyLimit(props.maxBody().toBytes()));
        registration.setOrder(BODY_LIMIT_ORDER);
        return registration;
    }
}
