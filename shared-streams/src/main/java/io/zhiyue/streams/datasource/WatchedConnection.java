package io.zhiyue.streams.datasource;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.spi.DatabaseMetadata;

/**
 * A pooled connection whose statements the slow-query watch times (transactions run on these).
 * Explicitly prepared statements (the cursors of streamed exports) run unwatched: they are read
 * for as long as the client takes.
 */
final class WatchedConnection implements SqlConnection {

    private final SqlConnection connection;
    private final SlowStatements watch;

    WatchedConnection(SqlConnection connection, SlowStatements watch) {
        this.connection = connection;
        this.watch = watch;
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return new WatchedQuery(sql, connection.query(sql), watch);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return new WatchedQuery(sql, connection.preparedQuery(sql), watch);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return new WatchedQuery(sql, connection.preparedQuery(sql, options), watch);
    }

    @Override
    public SqlConnection prepare(String sql, Handler<AsyncResult<PreparedStatement>> handler) {
        connection.prepare(sql, handler);
        return this;
    }

    @Override
    public Future<PreparedStatement> prepare(String sql) {
        return connection.prepare(sql);
    }

    @Override
    public SqlConnection prepare(String sql, PrepareOptions options,
            Handler<AsyncResult<PreparedStatement>> handler) {
        connection.prepare(sql, options, handler);
        return this;
    }

    @Override
    public Future<PreparedStatement> prepare(String sql, PrepareOptions options) {
        return connection.prepare(sql, options);
    }

    @Override
    public SqlConnection exceptionHandler(Handler<Throwable> handler) {
        connection.exceptionHandler(handler);
        return this;
    }

    @Override
    public SqlConnection closeHandler(Handler<Void> handler) {
        connection.closeHandler(handler);
        return this;
    }

    @Override
    public void begin(Handler<AsyncResult<Transaction>> handler) {
        connection.begin(handler);
    }

    @Override
    public Future<Transaction> begin() {
        return connection.begin();
    }

    @Override
    public Transaction transaction() {
        return connection.transaction();
    }

    @Override
    public boolean isSSL() {
        return connection.isSSL();
    }

    @Override
    public DatabaseMetadata databaseMetadata() {
        return connection.databaseMetadata();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        connection.close(handler);
    }

    @Override
    public Future<Void> close() {
        return connection.close();
    }
}
