package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Registered for reflection: lists with field selection serialise it outside REST. */
@RegisterForReflection
public record Submission(UUID id, String studentId, int questionNumber, String answer, String status,
        OffsetDateTime createdAt) {
}
