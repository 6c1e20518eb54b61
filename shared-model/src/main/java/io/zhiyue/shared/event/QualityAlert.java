package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/**
 * Payload of SYSTEM_STATUS when the AI's quality on a question fell below the bar (DESIGN.md
 * "Marking": adjacent agreement under 90 % over at least 30 blind checks): auto-accept stopped for
 * the question until a teacher turns it back on. On the {@code system} and {@code exam:<id>} channels.
 */
@RegisterForReflection
public record QualityAlert(
        String status,
        UUID examId,
        UUID questionId,
        int questionNumber,
        int checked,
        double adjacentAgreement,
        boolean autoAccept,
        Instant at) {

    public static final String STATUS = "AI_QUALITY_ALERT";
}
