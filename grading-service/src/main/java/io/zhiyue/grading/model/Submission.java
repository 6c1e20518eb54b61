package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An answer as uploaded. It carries no grading state: that belongs to each job (its tasks and
 * results), since several jobs may grade one exam. Registered for reflection: lists with field
 * selection serialise it outside REST.
 */
@RegisterForReflection
public record Submission(UUID id, String studentId, int questionNumber, String answer, OffsetDateTime createdAt) {
}
