package io.zhiyue.grading.audit;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.repository.AuditLogRepository;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.event.AuditRecorded;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.Delivery;
import io.zhiyue.streams.consumer.StreamConsumers;
import io.zhiyue.streams.consumer.StreamHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The suite's audit log (README "Data lifecycle"): every service records its changes as
 * AUDIT_RECORDED events through its outbox ({@code AuditTrail}, in the change's own transaction);
 * grading-service consumes {@code zhiyue:audit} through the shared stream runtime and keeps each
 * record once, append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). Admins read it.
 */
@ApplicationScoped
public class AuditLog implements StreamHandler {

    static final String GROUP = "grading-audit-log";

    private final AuditLogRepository repository;
    private final StreamConsumers consumers;

    public AuditLog(AuditLogRepository repository, StreamConsumers consumers) {
        this.repository = repository;
        this.consumers = consumers;
    }

    void onStart(@Observes StartupEvent event) {
        consumers.start(Streams.AUDIT, GROUP, 1, this);
    }

    @Override
    public Uni<Void> handle(Delivery delivery) {
        Envelope envelope = delivery.envelope();
        if (envelope.type() != EventType.AUDIT_RECORDED) {
            return Uni.createFrom().voidItem();
        }
        return repository.insert(envelope.id(), envelope.tenantId(), envelope.payloadAs(AuditRecorded.class),
                envelope.traceparent());
    }

    public Uni<PageResponse<AuditEntry>> list(String tenant, ListQuery query) {
        return repository.list(tenant, query);
    }
}
