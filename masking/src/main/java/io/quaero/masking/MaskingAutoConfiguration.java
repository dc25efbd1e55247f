package io.quaero.masking;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/** One {@link PatternHistory} per process that has a database: ingest, the gateway, job-service (once in the dev stack). */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration")
public class MaskingAutoConfiguration {

    @Bean
    @ConditionalOnBean(JdbcTemplate.class)
    PatternHistory patternHistory(JdbcTemplate jdbc) {
        return new PatternHistory(jdbc);
    }
}
