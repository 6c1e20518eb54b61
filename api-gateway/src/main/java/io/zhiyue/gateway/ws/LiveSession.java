package io.zhiyue.gateway.ws;

import io.zhiyue.gateway.security.Identity;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ConcurrentHashMap;

/** One open /ws connection: its outbox and the channels it listens to. */
public final class LiveSession {

    private final String id;
    private final ConnectionOutbox outbox;
    private final ConnectionOutbox.Transport transport;
    private final Identity identity;
    private final Map<String, ChannelSubscription> subscriptions = new ConcurrentHashMap<>();
    private volatile long lastHeardNanos = System.nanoTime();
    private final int spread = ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);

    LiveSession(String id, Identity identity, ConnectionOutbox.Transport transport, int capacity, int hardLimit) {
        this.id = id;
        this.identity = identity;
        this.transport = transport;
        this.outbox = new ConnectionOutbox(transport, capacity, hardLimit);
    }

    public String id() {
        return id;
    }

    /** Who opened the connection (verified on upgrade); every subscription is judged against it. */
    public Identity identity() {
        return identity;
    }

    ConnectionOutbox.Offer send(OutboundMessage message) {
        return outbox.offer(message);
    }

    /** See {@link ConnectionOutbox#room()}. */
    CompletionStage<Boolean> room() {
        return outbox.room();
    }

    boolean isClosed() {
        return outbox.isClosed();
    }

    /** The connection is gone: stop sending. */
    void close() {
        outbox.close();
    }

    /** Closes the connection itself, telling the client why. */
    void disconnect(String reason) {
        outbox.close();
        transport.close(reason);
    }

    /** The client spoke (a message or a pong): it is not idle. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** Which of {@code slots} heartbeat slots this connection's heartbeat falls in (fixed, spread at random). */
    int heartbeatSlot(int slots) {
        return spread % slots;
    }

    Map<String, ChannelSubscription> subscriptions() {
        return subscriptions;
    }
}
