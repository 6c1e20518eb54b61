package io.zhiyue.grading.service;

import io.vertx.pgclient.PgException;

/** PostgreSQL's unique_violation (23505): the row is already there. */
final class DuplicateKey {

    private DuplicateKey() {
    }

    static boolean matches(Throwable error) {
        return error instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}
