package io.zhiyue.cache.stream;

import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.zhiyue.cache.layered.CacheStatus;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;

/**
 * Tells the {@code system} channel when an instance's cache goes degraded and when it recovers: a SYSTEM_STATUS
 * event through the outbox (platform-wide data, tenant {@code _platform}), so it goes out even if Redis is down
 * now, once Redis is back.
 */
@ApplicationScoped
public class CacheStatusEvents {

    public static final String DEGRADED = "DEGRADED";
    public static final String RECOVERED = "RECOVERED";

    /**
     * The payload: the fields of every SYSTEM_STATUS ({@code service, instance, status, at}) plus what this is
     * about ({@code component: redis}) and, when degraded, why.
     */
    @RegisterForReflection
    public record Payload(String service, String instance, String status, String component, String reason,
            Instant at) {
    }

    private final Outbox outbox;
    private final String service;

    public CacheStatusEvents(Outbox outbox, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.outbox = outbox;
        this.service = service;
    }

    void onStatus(@Observes CacheStatus status) {
        publish(status).subscribe().with(
                done -> Log.infof("cache %s announced as %s", status.instance(), statusOf(status)),
                failure -> Log.warnf("cache %s could not be announced as %s: %s", status.instance(), statusOf(status),
                        failure.toString()));
    }

    public Uni<Void> publish(CacheStatus status) {
        Payload payload = new Payload(service, status.instance(), statusOf(status), "redis", status.reason(),
                status.at());
        String key = "cache-status:" + status.instance() + ":" + payload.status() + ":" + status.at().toEpochMilli();
        return outbox.publish(Streams.EVENTS,
                Envelope.of(EventType.SYSTEM_STATUS, TenantHeaders.PLATFORM_TENANT, key, payload, null));
    }

    private static String statusOf(CacheStatus status) {
        return status.degraded() ? DEGRADED : RECOVERED;
    }
}
