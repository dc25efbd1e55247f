package io.quaero.querycost;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The statement timeout on the service's pool ({@link StatementTimeout}) and the 422 a query it
 * cancels is answered with ({@link QueryTooCostly}).
 */
@AutoConfiguration
@ConditionalOnClass(HikariDataSource.class)
@EnableConfigurationProperties(QueryCostProperties.class)
public class QueryCostAutoConfiguration {

    /** Static: a post-processor is made before the other beans; the settings are read when the pool is. */
    @Bean
    static StatementTimeout quaeroStatementTimeout(ObjectProvider<QueryCostProperties> properties) {
        return new StatementTimeout(properties);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Answers {

        @Bean
        QueryTooCostly quaeroQueryTooCostly() {
            return new QueryTooCostly();
        }
    }
}
