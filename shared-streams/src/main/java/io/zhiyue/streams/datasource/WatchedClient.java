package io.zhiyue.streams.datasource;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

/**
 * What the watched pool and the watched connections share: their statements go through the slow-query watch,
 * and closing closes what they wrap.
 */
abstract class WatchedClient<C extends SqlClient> implements SqlClient {

    protected final C client;
    protected final SlowStatements watch;

    WatchedClient(C client, SlowStatements watch) {
        this.client = client;
        this.watch = watch;
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return new WatchedQuery(sql, client.query(sql), watch);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return new WatchedQuery(sql, client.preparedQuery(sql), watch);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return new WatchedQuery(sql, client.preparedQuery(sql, options), watch);
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        client.close(handler);
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
