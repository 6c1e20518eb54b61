package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.UUID;

@RegisterForReflection
public record Exam(UUID id, String title, String subject, OffsetDateTime createdAt) {
}
