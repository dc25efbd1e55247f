package io.quaero.schema;

import org.flywaydb.core.Flyway;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;

/**
 * Where a service that migrates at start (the dev stack, the tests, a single-user setup; never a
 * cluster, whose services start with {@code QUAERO_DB_MIGRATE=false} after {@link DatabaseSetup}
 * migrated as the owner) gets Flyway's connections: made from {@code spring.datasource.*} for the
 * migration, never borrowed from the service's pool. The pool's connections carry the statement
 * timeout of the queries users trigger (module query-cost), and a migration must not be cut halfway
 * (a long {@code CREATE INDEX} on a big table); a session setting changed on a borrowed connection
 * would go back into the pool with it.
 */
@AutoConfiguration(before = FlywayAutoConfiguration.class)
@ConditionalOnClass(Flyway.class)
public class MigrationAutoConfiguration {

    @Bean
    FlywayConfigurationCustomizer quaeroMigrationConnections(DataSourceProperties dataSource) {
        return flyway -> flyway.dataSource(dataSource.determineUrl(), dataSource.determineUsername(),
            dataSource.determinePassword());
    }
}
