package io.zhiyue.grading.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Deletions of answers, uploads and exams, and students' erasures (README "Data lifecycle"). */
public final class DataDeletion {

    private DataDeletion() {
    }

    /** Body of POST /deletions: what to delete ({@code submission}, {@code upload} or {@code exam}) and its id. */
    public record Request(String kind, String id) {
    }

    /** One service's confirmation: what it removed, by kind. */
    @RegisterForReflection
    public record Confirmation(String service, JsonNode removed, OffsetDateTime confirmedAt) {
    }

    /**
     * A deletion or an erasure record. {@code summary}: what it covers (counts and exam ids, never personal data);
     * {@code pendingServices}: the services that have not confirmed yet (it is COMPLETED when none is left).
     */
    @RegisterForReflection
    public record View(UUID id, String kind, UUID subjectId, String state, JsonNode summary, String requestedBy,
            OffsetDateTime requestedAt, OffsetDateTime expiresAt, String confirmedBy, OffsetDateTime confirmedAt,
            OffsetDateTime completedAt, List<Confirmation> confirmations, List<String> pendingServices) {
    }
}
