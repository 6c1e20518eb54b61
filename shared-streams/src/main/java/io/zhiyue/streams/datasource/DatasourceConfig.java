package io.zhiyue.streams.datasource;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Bounds on every service's PostgreSQL use that Quarkus does not expose. */
@ConfigMapping(prefix = "zhiyue.datasource")
public interface DatasourceConfig {

    /** How long a request waits for a pooled connection (Vert.x would wait 30 s). */
    @WithDefault("2s")
    Duration acquireTimeout();

    /** How long opening a new connection may take. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** The server cancels a statement that runs longer (a lock wait, a runaway query). */
    @WithDefault("30s")
    Duration statementTimeout();

    /**
     * A statement slower than this is counted in {@code zhiyue_db_slow_statements_seconds} and
     * logged once by name (env {@code ZHIYUE_DB_SLOW_STATEMENT_THRESHOLD}).
     */
    @WithDefault("100ms")
    Duration slowStatementThreshold();

    /** How long a starting instance waits for another instance's schema migration. */
    @WithDefault("15m")
    Duration migrationLockWait();
}
