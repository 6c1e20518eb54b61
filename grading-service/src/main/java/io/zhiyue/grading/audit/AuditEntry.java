package io.zhiyue.grading.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One row of the audit log as admins read it. */
@RegisterForReflection
public record AuditEntry(UUID id, OffsetDateTime at, String service, String action, String subjectType,
        String subjectId, String actor, JsonNode before, JsonNode after) {
}
