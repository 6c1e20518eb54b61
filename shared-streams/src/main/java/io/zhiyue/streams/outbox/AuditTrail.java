package io.zhiyue.streams.outbox;

import io.zhiyue.shared.event.AuditRecorded;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.Streams;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Audit records of this service's changes (README "Data lifecycle"): added to the transaction's
 * outbox events, so the record is published exactly when the change commits; grading-service keeps
 * every service's records in its append-only audit log.
 */
@ApplicationScoped
public class AuditTrail {

    private final String service;

    public AuditTrail(@ConfigProperty(name = "quarkus.application.name") String service) {
        this.service = service;
    }

    /** A before or after of named values in order: name, value, name, value…; a null value stays (Map.of refuses one). */
    public static Map<String, Object> fields(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields takes names and values in pairs");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!(namesAndValues[i] instanceof String name)) {
                throw new IllegalArgumentException("field " + i / 2 + " has no name");
            }
            fields.put(name, namesAndValues[i + 1]);
        }
        return fields;
    }

    /**
     * Records {@code action} on {@code subjectType}/{@code subjectId} by {@code actor} (null: the
     * service itself) with what it was and what it became (any JSON-serialisable value, or null).
     */
    public void record(OutboxEvents events, String tenant, String action, String subjectType, Object subjectId,
            String actor, Object before, Object after) {
        AuditRecorded record = new AuditRecorded(service, action, subjectType, String.valueOf(subjectId),
                actor == null || actor.isBlank() ? AuditRecorded.SYSTEM : actor,
                before == null ? null : JsonCodec.mapper().valueToTree(before),
                after == null ? null : JsonCodec.mapper().valueToTree(after), Instant.now());
        events.add(Streams.AUDIT, record.envelope(tenant));
    }
}
