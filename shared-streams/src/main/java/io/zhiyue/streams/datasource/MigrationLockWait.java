package io.zhiyue.streams.datasource;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Instances of a service that start together wait for the one that migrates the schema, however
 * long a migration over a large database takes, up to {@code zhiyue.datasource.migration-lock-wait}
 * (Flyway gives up after 50 s by default, failing every other instance's start). An instance
 * that dies while migrating frees the others at once: the lock is a PostgreSQL advisory lock that
 * ends with its session.
 */
@ApplicationScoped
public class MigrationLockWait implements FlywayConfigurationCustomizer {

    private final int retries;

    public MigrationLockWait(DatasourceConfig config) {
        // Flyway retries the lock once a second
        this.retries = (int) Math.max(1, config.migrationLockWait().toSeconds());
    }

    @Override
    public void customize(FluentConfiguration configuration) {
        configuration.lockRetryCount(retries);
    }
}
