package io.zhiyue.gateway.ws;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.zhiyue.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;

/**
 * On a Vert.x timer: each connection, once per heartbeat interval in its own slot of it, is closed if its
 * client went silent, else sent a HEARTBEAT, so idle proxies keep their sockets open. The slots spread the
 * work over the interval instead of one burst to every connection.
 */
@ApplicationScoped
public class HeartbeatTicker {

    private final Vertx vertx;
    private final ChannelHub hub;
    private final GatewayConfig config;
    /** The heartbeat interval is cut into this many ticks; each connection has its own. */
    static final int SLOTS = 15;

    private long timerId = -1;
    private long ticks;

    HeartbeatTicker(Vertx vertx, ChannelHub hub, GatewayConfig config) {
        this.vertx = vertx;
        this.hub = hub;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        long tick = Math.max(1, config.heartbeatInterval().toMillis() / SLOTS);
        timerId = vertx.setPeriodic(tick, ignored -> {
            int slot = (int) (ticks++ % SLOTS);
            hub.heartbeat(slot, SLOTS, OutboundMessage.heartbeat(ServerMessages.heartbeat(Instant.now())),
                    System.nanoTime() - config.idleTimeout().toNanos());
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }
}
