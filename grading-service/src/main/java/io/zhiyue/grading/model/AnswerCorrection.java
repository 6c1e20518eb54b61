package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Corrections of an answer before it is marked: the request, and the answers it replaced. */
public final class AnswerCorrection {

    private AnswerCorrection() {
    }

    /** Body of PUT /submissions/{id}/answer: the new answer and why (kept with the old one). */
    public record Request(String answer, String reason) {
    }

    /** The submission after the correction: its answer and version now. */
    @RegisterForReflection
    public record Corrected(UUID id, String studentId, int questionNumber, String answer, int version) {
    }

    /** An answer that was replaced: version {@code version} until {@code replacedAt}. */
    @RegisterForReflection
    public record PriorVersion(int version, String answer, OffsetDateTime replacedAt, String replacedBy, String reason) {
    }

    @RegisterForReflection
    public record History(UUID submissionId, int version, List<PriorVersion> priorVersions) {
    }
}
