package io.zhiyue.shared.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.zhiyue.shared.json.JsonCodec;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One stream entry. Stored in Redis as flat string fields so that any client (redis-cli
 * included) can read it; {@code payload} is JSON.
 */
@RegisterForReflection
public record Envelope(
        UUID id,
        EventType type,
        int version,
        Instant occurredAt,
        String tenantId,
        String traceparent,
        String key,
        JsonNode payload) {

    public static final int CURRENT_VERSION = 1;

    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(payload, "payload");
    }

    public static Envelope of(EventType type, String tenantId, String key, Object payload, String traceparent) {
        return new Envelope(UUID.randomUUID(), type, CURRENT_VERSION, Instant.now(), tenantId,
                traceparent, key, JsonCodec.mapper().valueToTree(payload));
    }

    /** This envelope carrying {@code traceparent} (the trace it continues). */
    public Envelope withTraceparent(String traceparent) {
        return new Envelope(id, type, version, occurredAt, tenantId, traceparent, key, payload);
    }

    public <T> T payloadAs(Class<T> type) {
        return JsonCodec.mapper().convertValue(payload, type);
    }

    public Map<String, String> toFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", id.toString());
        fields.put("type", type.name());
        fields.put("version", Integer.toString(version));
        fields.put("occurredAt", occurredAt.toString());
        fields.put("tenantId", tenantId);
        if (traceparent != null) {
            fields.put("traceparent", traceparent);
        }
        fields.put("key", key);
        fields.put("payload", JsonCodec.write(payload));
        return fields;
    }

    /** @throws IllegalArgumentException when the entry is not a well-formed envelope */
    public static Envelope fromFields(Map<String, String> fields) {
        try {
            return new Envelope(
                    UUID.fromString(fields.get("id")),
                    EventType.valueOf(fields.get("type")),
                    Integer.parseInt(fields.getOrDefault("version", "1")),
                    Instant.parse(fields.get("occurredAt")),
                    fields.get("tenantId"),
                    fields.get("traceparent"),
                    fields.get("key"),
                    JsonCodec.mapper().readTree(fields.get("payload")));
        } catch (RuntimeException | java.io.IOException e) {
            throw new IllegalArgumentException("malformed envelope " + fields.keySet() + ": " + e.getMessage(), e);
        }
    }
}
