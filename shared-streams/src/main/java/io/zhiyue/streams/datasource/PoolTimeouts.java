package io.zhiyue.streams.datasource;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reactive PostgreSQL pool of every service, with bounds Quarkus does not expose: a request
 * waits at most {@code zhiyue.datasource.acquire-timeout} for a connection (not Vert.x's 30 s), and
 * a new connection gives up after {@code connect-timeout}. So a frozen or unreachable database
 * fails calls fast instead of queueing them without limit.
 */
@ApplicationScoped
public class PoolTimeouts implements PgPoolCreator {

    private final Duration acquireTimeout;
    private final Duration connectTimeout;

    public PoolTimeouts(
            @ConfigProperty(name = "zhiyue.datasource.acquire-timeout", defaultValue = "2s") Duration acquireTimeout,
            @ConfigProperty(name = "zhiyue.datasource.connect-timeout", defaultValue = "2s") Duration connectTimeout) {
        this.acquireTimeout = acquireTimeout;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Pool create(Input input) {
        PoolOptions pool = new PoolOptions(input.poolOptions())
                .setConnectionTimeout((int) acquireTimeout.toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        List<SqlConnectOptions> servers = new ArrayList<>();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            servers.add(options.setConnectTimeout((int) connectTimeout.toMillis()));
        }
        return PgBuilder.pool().with(pool).connectingTo(servers).using(input.vertx()).build();
    }
}
