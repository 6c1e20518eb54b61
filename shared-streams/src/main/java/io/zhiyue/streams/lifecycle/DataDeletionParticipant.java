package io.zhiyue.streams.lifecycle;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.event.DataDeletionConfirmed;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.Delivery;
import io.zhiyue.streams.consumer.StreamConsumers;
import io.zhiyue.streams.consumer.StreamHandler;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The participant side of deletions and erasures (README "Data lifecycle"), once for all services: a service hands
 * its {@link DataDeletionHandler} to {@link #serve}, and each DATA_DELETION_REQUESTED on {@code zhiyue:lifecycle}
 * is handled in the service's own consumer group {@code <service>-lifecycle}, in one transaction with its
 * DATA_DELETION_CONFIRMED (through the outbox). The group is kept in Redis, so a request made while the service is
 * down waits for it; the handler is idempotent, so a redelivery confirms again and removes nothing more. A handler
 * that receives data late runs only once its {@link DataDeletionHandler#settle settle} has passed since the request.
 * Deletions counted in {@code zhiyue_data_deletions_total{service}}.
 */
@ApplicationScoped
public class DataDeletionParticipant {

    private final String service;
    private final Outbox outbox;
    private final StreamConsumers consumers;
    private final MeterRegistry registry;

    public DataDeletionParticipant(@ConfigProperty(name = "quarkus.application.name") String service, Outbox outbox,
            StreamConsumers consumers, MeterRegistry registry) {
        this.service = service;
        this.outbox = outbox;
        this.consumers = consumers;
        this.registry = registry;
    }

    /** The consumer group of {@code service} on {@code zhiyue:lifecycle}. */
    public static String group(String service) {
        return service + "-lifecycle";
    }

    /** Starts honouring deletion requests with {@code handler}. */
    public void serve(DataDeletionHandler handler) {
        consumers.start(Streams.LIFECYCLE, group(service), 1, new StreamHandler() {
            @Override
            public Uni<Void> handle(Delivery delivery) {
                return DataDeletionParticipant.this.handle(handler, delivery.envelope());
            }
        });
    }

    /** Handles one lifecycle entry; a confirmation (or any other type) is not this side's business. */
    public Uni<Void> handle(DataDeletionHandler handler, Envelope envelope) {
        if (envelope.type() != EventType.DATA_DELETION_REQUESTED) {
            return Uni.createFrom().voidItem();
        }
        DataDeletionRequested request = envelope.payloadAs(DataDeletionRequested.class);
        String tenant = envelope.tenantId();
        Duration wait = Duration.between(Instant.now(), request.at().plus(handler.settle(request)));
        Uni<Void> settled = wait.isNegative() || wait.isZero() ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(wait);
        return settled.chain(() -> outbox.inTransaction((tx, events) -> handler.delete(tx, tenant, request).invoke(removed -> {
            events.add(Streams.LIFECYCLE, new DataDeletionConfirmed(request.requestId(), service,
                    removed == null ? Map.of() : removed, Instant.now()).envelope(tenant));
        }))).invoke(removed -> {
            registry.counter("zhiyue_data_deletions_total", "service", service).increment();
            Log.infof("%s: %s deletion %s done: %s", service, request.kind(), request.requestId(), removed);
        }).replaceWithVoid();
    }
}
