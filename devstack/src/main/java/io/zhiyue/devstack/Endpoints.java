package io.zhiyue.devstack;

/** Where PostgreSQL and Redis answer, in the form of {@code ZHIYUE_PG_URL} and {@code ZHIYUE_REDIS_URL}. */
public record Endpoints(String pgUrl, String redisUrl) {
}
