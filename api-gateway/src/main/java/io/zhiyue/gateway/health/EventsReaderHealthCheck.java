package io.zhiyue.gateway.health;

import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.stream.EventsStreamReader;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Ready only while the zhiyue:events reader runs and its XREADs keep completing. */
@Readiness
@ApplicationScoped
public class EventsReaderHealthCheck implements HealthCheck {

    private static final Duration GRACE = Duration.ofSeconds(15);

    private final EventsStreamReader reader;
    private final GatewayConfig config;

    EventsReaderHealthCheck(EventsStreamReader reader, GatewayConfig config) {
        this.reader = reader;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        Optional<Instant> lastRead = reader.lastSuccessfulRead();
        boolean fresh = lastRead
                .map(at -> at.isAfter(Instant.now().minus(config.eventsReadBlock().plus(GRACE))))
                .orElse(false);
        HealthCheckResponseBuilder response = HealthCheckResponse.named("live events reader")
                .status(reader.isRunning() && fresh);
        lastRead.ifPresent(at -> response.withData("lastRead", at.toString()));
        return response.build();
    }
}
