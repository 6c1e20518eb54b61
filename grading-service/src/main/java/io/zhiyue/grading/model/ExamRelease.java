package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An exam's results released to its students: when, and by whom (the gateway's subject; null for a direct call). */
@RegisterForReflection
public record ExamRelease(UUID examId, OffsetDateTime releasedAt, String releasedBy) {
}
