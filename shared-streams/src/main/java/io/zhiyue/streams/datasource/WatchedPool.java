package io.zhiyue.streams.datasource;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.function.Function;

/**
 * The service's pool with the slow-query watch on every statement: those run on the pool and
 * those run on a connection it lends ({@code withTransaction} and {@code withConnection} borrow
 * through {@link #getConnection()}). Quarkus takes the pool as a {@link PgPool}.
 */
@SuppressWarnings("deprecation")
final class WatchedPool extends WatchedClient<Pool> implements PgPool {

    WatchedPool(Pool pool, SlowStatements watch) {
        super(pool, watch);
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return client.getConnection().map(connection -> new WatchedConnection(connection, watch));
    }

    @Override
    public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
        getConnection().onComplete(handler);
    }

    @Override
    public PgPool connectHandler(Handler<SqlConnection> handler) {
        client.connectHandler(handler);
        return this;
    }

    @Override
    public PgPool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
        client.connectionProvider(provider);
        return this;
    }

    @Override
    public int size() {
        return client.size();
    }
}
