package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * Payload of USER_NOTIFICATION: something a person should be told, on the exam's channel ({@code exam:<examId>})
 * and the student's ({@code user:<studentId>}). {@code kind} says what: {@code SCORE_OVERRIDDEN} (a teacher
 * changed a final score after the job completed: {@code score}, {@code previousScore}, {@code reason}).
 */
@RegisterForReflection
public record UserNotification(
        String kind,
        UUID examId,
        UUID jobId,
        UUID submissionId,
        String studentId,
        int questionNumber,
        BigDecimal score,
        BigDecimal previousScore,
        String reason,
        Instant at) {

    public static final String SCORE_OVERRIDDEN = "SCORE_OVERRIDDEN";
}
