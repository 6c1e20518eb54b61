package io.zhiyue.shared.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/**
 * Payload of AUDIT_RECORDED: who changed what, and how, in the service that changed it. Written to
 * the outbox in the transaction of the change itself, so a change and its record exist together.
 * {@code before} and {@code after} hold what is not personal data (rubrics, settings, allocations,
 * scores by submission id), never an answer or a student's name; null where there is nothing to show.
 *
 * @param action what happened, e.g. {@code rubric.replaced}, {@code exam.released}
 * @param subjectType the kind of thing it happened to ({@code question}, {@code exam}, {@code job}, …)
 * @param actor the gateway's subject of the caller; {@code system} for the service's own work
 */
@RegisterForReflection
public record AuditRecorded(String service, String action, String subjectType, String subjectId, String actor,
        JsonNode before, JsonNode after, Instant at) {

    /** The actor of a change no caller asked for (a direct call without the gateway's subject). */
    public static final String SYSTEM = "system";

    /** The envelope of this record; its id is the record's id, so a record delivered twice is kept once. */
    public Envelope envelope(String tenant) {
        return Envelope.of(EventType.AUDIT_RECORDED, tenant, "audit:" + subjectType + ":" + subjectId, this, null);
    }
}
