package io.zhiyue.gateway.stream;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.SystemStatus;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;
import java.util.UUID;

/** Announces this replica on the {@code system} channel: UP once started, DOWN when stopping. */
@ApplicationScoped
public class SystemStatusPublisher {

    public static final String SERVICE = "api-gateway";

    private final StreamCommands<String, String, String> stream;
    private final GatewayConfig config;
    private final String instance;

    SystemStatusPublisher(RedisDataSource redis, GatewayConfig config) {
        this.stream = redis.stream(String.class);
        this.config = config;
        this.instance = config.instanceId()
                .or(() -> java.util.Optional.ofNullable(System.getenv("HOSTNAME")))
                .filter(name -> !name.isBlank())
                .orElseGet(() -> SERVICE + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    public String instance() {
        return instance;
    }

    void onStart(@Observes @Priority(200) StartupEvent event) {
        announce("UP");
    }

    void onStop(@Observes @Priority(100) ShutdownEvent event) {
        announce("DOWN");
    }

    void announce(String status) {
        Instant now = Instant.now();
        SystemStatus payload = new SystemStatus(SERVICE, instance, status, now);
        String key = "system-status:" + SERVICE + ":" + instance + ":" + status + ":" + now.toEpochMilli();
        Envelope envelope = Envelope.of(EventType.SYSTEM_STATUS, TenantHeaders.DEFAULT_TENANT, key, payload, null);
        try {
            stream.xadd(Streams.EVENTS, new XAddArgs().maxlen(config.eventsMaxLength()).nearlyExactTrimming(),
                    envelope.toFields());
            Log.infof("%s %s is %s", SERVICE, instance, status);
        } catch (RuntimeException e) {
            Log.warnf("could not announce %s %s as %s: %s", SERVICE, instance, status, e.toString());
        }
    }
}
