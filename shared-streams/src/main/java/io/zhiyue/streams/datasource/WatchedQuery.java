package io.zhiyue.streams.datasource;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collector;

/**
 * A statement whose every execution the slow-query watch times. A plain {@code query(sql)} is
 * wrapped as one too (its {@code execute(Tuple)} is never called). Collecting and mapping
 * variants, which the services do not use, run unwatched.
 */
final class WatchedQuery implements PreparedQuery<RowSet<Row>> {

    private final String sql;
    private final io.vertx.sqlclient.Query<RowSet<Row>> query;
    private final SlowStatements watch;

    WatchedQuery(String sql, io.vertx.sqlclient.Query<RowSet<Row>> query, SlowStatements watch) {
        this.sql = sql;
        this.query = query;
        this.watch = watch;
    }

    private PreparedQuery<RowSet<Row>> prepared() {
        return (PreparedQuery<RowSet<Row>>) query;
    }

    @Override
    public Future<RowSet<Row>> execute() {
        return watch.watch(sql, query::execute);
    }

    @Override
    public void execute(Handler<AsyncResult<RowSet<Row>>> handler) {
        execute().onComplete(handler);
    }

    @Override
    public Future<RowSet<Row>> execute(Tuple tuple) {
        return watch.watch(sql, () -> prepared().execute(tuple));
    }

    @Override
    public void execute(Tuple tuple, Handler<AsyncResult<RowSet<Row>>> handler) {
        execute(tuple).onComplete(handler);
    }

    @Override
    public Future<RowSet<Row>> executeBatch(List<Tuple> batch) {
        return watch.watch(sql, () -> prepared().executeBatch(batch));
    }

    @Override
    public void executeBatch(List<Tuple> batch, Handler<AsyncResult<RowSet<Row>>> handler) {
        executeBatch(batch).onComplete(handler);
    }

    @Override
    public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
        return prepared().collecting(collector);
    }

    @Override
    public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
        return prepared().mapping(mapper);
    }
}
