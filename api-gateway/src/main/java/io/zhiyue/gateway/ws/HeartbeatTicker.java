package io.zhiyue.gateway.ws;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.zhiyue.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;

/**
 * On a Vert.x timer: closes connections whose client went silent, then sends HEARTBEAT to the others,
 * so idle proxies keep their sockets open.
 */
@ApplicationScoped
public class HeartbeatTicker {

    private final Vertx vertx;
    private final ChannelHub hub;
    private final GatewayConfig config;
    private long timerId = -1;

    HeartbeatTicker(Vertx vertx, ChannelHub hub, GatewayConfig config) {
        this.vertx = vertx;
        this.hub = hub;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        timerId = vertx.setPeriodic(config.heartbeatInterval().toMillis(),
                ignored -> {
                    hub.evictIdle(System.nanoTime() - config.idleTimeout().toNanos());
                    hub.broadcast(OutboundMessage.heartbeat(ServerMessages.heartbeat(Instant.now())));
                });
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }
}
