package io.zhiyue.cache.layered;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.ResponseType;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The subscription to the invalidation channel, on a connection of its own (RESP2: messages arrive as
 * {@code ["message", channel, payload]}). When the connection ends or fails it says so once ({@code onLost}); the
 * owner connects again on its next probe.
 */
final class InvalidationChannel implements AutoCloseable {

    private final Redis client;
    private final String channel;
    private final Duration timeout;
    private final Consumer<String> onMessage;
    private final Runnable onLost;
    private final AtomicReference<RedisConnection> connection = new AtomicReference<>();

    InvalidationChannel(Vertx vertx, String url, String channel, Duration timeout, Consumer<String> onMessage,
            Runnable onLost) {
        RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(1)
                .setPreferredProtocolVersion(ProtocolVersion.RESP2);
        options.getNetClientOptions().setConnectTimeout((int) Math.max(100, timeout.toMillis()));
        this.client = Redis.createClient(vertx, options);
        this.channel = channel;
        this.timeout = timeout;
        this.onMessage = onMessage;
        this.onLost = onLost;
    }

    boolean subscribed() {
        return connection.get() != null;
    }

    /** Connects and subscribes; answers once the server confirmed the subscription. */
    Uni<Void> subscribe() {
        return client.connect().chain(opened -> {
            opened.handler(this::received);
            opened.exceptionHandler(failure -> lost(opened, failure.toString(), true));
            opened.endHandler(() -> lost(opened, "connection closed", false));
            return opened.send(Request.cmd(Command.SUBSCRIBE).arg(channel))
                    .invoke(() -> connection.set(opened))
                    .onFailure().call(() -> opened.close())
                    .replaceWithVoid();
        }).ifNoItem().after(timeout).failWith(() -> new RedisUnavailableException(
                "SUBSCRIBE " + channel + " got no answer within " + timeout.toMillis() + " ms", null));
    }

    private void received(Response response) {
        if (response.type() != ResponseType.MULTI && response.type() != ResponseType.PUSH) {
            return;
        }
        if (response.size() == 3 && "message".equals(response.get(0).toString())) {
            onMessage.accept(response.get(2).toString());
        }
    }

    private void lost(RedisConnection lostConnection, String why, boolean stillOpen) {
        if (connection.compareAndSet(lostConnection, null)) {
            Log.warnf("invalidation channel %s lost: %s", channel, why);
            if (stillOpen) {
                lostConnection.closeAndForget();
            }
            onLost.run();
        }
    }

    @Override
    public void close() {
        RedisConnection open = connection.getAndSet(null);
        if (open != null) {
            open.closeAndForget();
        }
        client.close();
    }
}
