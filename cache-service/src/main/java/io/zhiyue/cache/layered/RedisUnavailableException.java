package io.zhiyue.cache.layered;

/** A Redis call failed or did not answer in time: the cache serves from PostgreSQL until Redis answers again. */
public class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
