package io.zhiyue.streams.datasource;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reactive PostgreSQL pool of every service, with bounds Quarkus does not expose: a request
 * waits at most {@code zhiyue.datasource.acquire-timeout} for a connection (not Vert.x's 30 s), a
 * new connection gives up after {@code connect-timeout}, and the server cancels a statement that
 * runs longer than {@code statement-timeout} (a lock wait, a runaway query). So a frozen or
 * unreachable database fails calls fast instead of queueing them without limit; a server that
 * does not answer at all is bounded by each request's own time budget. Every statement goes
 * through the slow-query watch ({@link SlowStatements}).
 */
@ApplicationScoped
public class PoolTimeouts implements PgPoolCreator {

    private final DatasourceConfig config;
    private final SlowStatements slowStatements;

    public PoolTimeouts(DatasourceConfig config, MeterRegistry registry) {
        this.config = config;
        this.slowStatements = new SlowStatements(config.slowStatementThreshold().toNanos(), registry);
    }

    @Override
    public Pool create(Input input) {
        PoolOptions pool = new PoolOptions(input.poolOptions())
                .setConnectionTimeout((int) config.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        List<SqlConnectOptions> servers = new ArrayList<>();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            servers.add(options.setConnectTimeout((int) config.connectTimeout().toMillis())
                    .addProperty("statement_timeout", Long.toString(config.statementTimeout().toMillis())));
        }
        return new WatchedPool(PgBuilder.pool().with(pool).connectingTo(servers).using(input.vertx()).build(),
                slowStatements);
    }
}
