package io.zhiyue.streams.datasource;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;

import java.util.function.Function;

/**
 * The service's pool with the slow-query watch on every statement: those run on the pool and
 * those run on a connection it lends ({@code withTransaction} and {@code withConnection} borrow
 * through {@link #getConnection()}). Quarkus takes the pool as a {@link PgPool}.
 */
@SuppressWarnings("deprecation")
final class WatchedPool implements PgPool {

    private final Pool pool;
    private final SlowStatements watch;

    WatchedPool(Pool pool, SlowStatements watch) {
        this.pool = pool;
        this.watch = watch;
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return pool.getConnection().map(connection -> new WatchedConnection(connection, watch));
    }

    @Override
    public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
        getConnection().onComplete(handler);
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return new WatchedQuery(sql, pool.query(sql), watch);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return new WatchedQuery(sql, pool.preparedQuery(sql), watch);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return new WatchedQuery(sql, pool.preparedQuery(sql, options), watch);
    }

    @Override
    public PgPool connectHandler(Handler<SqlConnection> handler) {
        pool.connectHandler(handler);
        return this;
    }

    @Override
    public PgPool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
        pool.connectionProvider(provider);
        return this;
    }

    @Override
    public int size() {
        return pool.size();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        pool.close(handler);
    }

    @Override
    public Future<Void> close() {
        return pool.close();
    }
}
