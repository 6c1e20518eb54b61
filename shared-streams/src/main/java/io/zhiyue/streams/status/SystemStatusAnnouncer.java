package io.zhiyue.streams.status;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.SystemStatus;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * Tells the {@code system} channel when this process comes up and when it goes down, for every
 * service alike, through the outbox (platform-wide data: tenant {@code _platform}).
 */
@ApplicationScoped
public class SystemStatusAnnouncer {

    private static final Logger LOG = Logger.getLogger(SystemStatusAnnouncer.class);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Outbox outbox;
    private final String service;
    private final String instance = InstanceName.instance();

    public SystemStatusAnnouncer(Outbox outbox, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.outbox = outbox;
        this.service = service;
    }

    public String instance() {
        return instance;
    }

    void onStart(@Observes @Priority(20) StartupEvent event) {
        announce("UP");
    }

    /** Before the outbox relay's last flush (priority 30), so DOWN goes out with it. */
    void onStop(@Observes @Priority(20) ShutdownEvent event) {
        announce("DOWN");
    }

    void announce(String status) {
        Instant now = Instant.now();
        SystemStatus payload = new SystemStatus(service, instance, status, now);
        String key = "system-status:" + service + ":" + instance + ":" + status + ":" + now.toEpochMilli();
        try {
            outbox.publish(Streams.EVENTS,
                    Envelope.of(EventType.SYSTEM_STATUS, TenantHeaders.PLATFORM_TENANT, key, payload, null))
                    .await().atMost(WAIT);
            LOG.infof("%s %s is %s", service, instance, status);
        } catch (RuntimeException e) {
            LOG.warnf("could not announce %s %s as %s: %s", service, instance, status, e.getMessage());
        }
    }
}
