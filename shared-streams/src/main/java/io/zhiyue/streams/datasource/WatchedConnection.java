package io.zhiyue.streams.datasource;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.spi.DatabaseMetadata;

/**
 * A pooled connection whose statements the slow-query watch times (transactions run on these).
 * Explicitly prepared statements (the cursors of streamed exports) run unwatched: they are read
 * for as long as the client takes.
 */
final class WatchedConnection extends WatchedClient<SqlConnection> implements SqlConnection {

    WatchedConnection(SqlConnection connection, SlowStatements watch) {
        super(connection, watch);
    }

    @Override
    public SqlConnection prepare(String sql, Handler<AsyncResult<PreparedStatement>> handler) {
        client.prepare(sql, handler);
        return this;
    }

    @Override
    public Future<PreparedStatement> prepare(String sql) {
        return client.prepare(sql);
    }

    @Override
    public SqlConnection prepare(String sql, PrepareOptions options,
            Handler<AsyncResult<PreparedStatement>> handler) {
        client.prepare(sql, options, handler);
        return this;
    }

    @Override
    public Future<PreparedStatement> prepare(String sql, PrepareOptions options) {
        return client.prepare(sql, options);
    }

    @Override
    public SqlConnection exceptionHandler(Handler<Throwable> handler) {
        client.exceptionHandler(handler);
        return this;
    }

    @Override
    public SqlConnection closeHandler(Handler<Void> handler) {
        client.closeHandler(handler);
        return this;
    }

    @Override
    public void begin(Handler<AsyncResult<Transaction>> handler) {
        client.begin(handler);
    }

    @Override
    public Future<Transaction> begin() {
        return client.begin();
    }

    @Override
    public Transaction transaction() {
        return client.transaction();
    }

    @Override
    public boolean isSSL() {
        return client.isSSL();
    }

    @Override
    public DatabaseMetadata databaseMetadata() {
        return client.databaseMetadata();
    }
}
