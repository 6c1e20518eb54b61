package io.zhiyue.grading.model;

import java.time.OffsetDateTime;
import java.util.UUID;

public record Submission(UUID id, String studentId, int questionNumber, String answer, String status,
        OffsetDateTime createdAt) {
}
