package io.zhiyue.grading.model;

import java.time.OffsetDateTime;
import java.util.UUID;

public record Exam(UUID id, String title, String subject, OffsetDateTime createdAt) {
}
