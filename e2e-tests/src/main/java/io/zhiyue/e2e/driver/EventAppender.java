package io.zhiyue.e2e.driver;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.stream.ChannelHistory;

/**
 * Appends events to zhiyue:events straight in Redis, as the services' publisher does: one EVAL of
 * {@link ChannelHistory#APPEND}, which also writes each event into its live channels' histories with the
 * same id. Lengths and TTL are the services' defaults.
 */
final class EventAppender implements AutoCloseable {

    private static final long EVENTS_MAX_LENGTH = 100_000;
    private static final long HISTORY_MAX_LENGTH = 1_000;
    private static final long HISTORY_TTL_SECONDS = 86_400;

    private final Redis redis;

    EventAppender(Vertx vertx, String redisUrl) {
        this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
                .setMaxPoolSize(4).setMaxPoolWaiting(10_000));
    }

    /** Appends {@code envelope}; answers its stream id ({@code <ms>-<seq>}), the event's id on the wire. */
    Future<String> append(Envelope envelope) {
        Request eval = Request.cmd(Command.EVAL).arg(ChannelHistory.APPEND);
        ChannelHistory.appendArguments(envelope, EVENTS_MAX_LENGTH, HISTORY_MAX_LENGTH, HISTORY_TTL_SECONDS)
                .forEach(eval::arg);
        return redis.send(eval).map(Response::toString);
    }

    @Override
    public void close() {
        redis.close();
    }
}
