package io.zhiyue.grading.stream;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.zhiyue.shared.event.SystemStatus;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;

/** Tells the {@code system} channel when this process comes up and goes down. */
@ApplicationScoped
public class SystemStatusAnnouncer {

    private static final String SERVICE = "grading-service";

    private final EventPublisher events;
    private final String instance = ManagementFactory.getRuntimeMXBean().getName();

    public SystemStatusAnnouncer(EventPublisher events) {
        this.events = events;
    }

    void onStart(@Observes StartupEvent event) {
        announce("UP");
    }

    void onStop(@Observes ShutdownEvent event) {
        announce("DOWN");
    }

    private void announce(String status) {
        events.systemStatus(TenantHeaders.DEFAULT_TENANT, new SystemStatus(SERVICE, instance, status, Instant.now()))
                .await().atMost(Duration.ofSeconds(3));
    }
}
