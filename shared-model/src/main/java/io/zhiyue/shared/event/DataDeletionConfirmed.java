package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Payload of DATA_DELETION_CONFIRMED on {@code zhiyue:lifecycle}: {@code service} removed what it held of request
 * {@code requestId}, committed with the removal; {@code removed} counts it by kind (rows, keys). A redelivered
 * request is confirmed again with nothing removed; grading-service keeps the first confirmation of each service.
 */
@RegisterForReflection
public record DataDeletionConfirmed(UUID requestId, String service, Map<String, Long> removed, Instant at) {

    public Envelope envelope(String tenant) {
        return Envelope.of(EventType.DATA_DELETION_CONFIRMED, tenant, "deletion:" + requestId + ":" + service, this,
                null);
    }
}
