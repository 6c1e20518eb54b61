package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A student's view of their results: final scores of released exams only, by release then question number. An
 * answer still under review shows nothing until its score is final.
 */
@RegisterForReflection
public record StudentResults(List<Item> items) {

    @RegisterForReflection
    public record Item(UUID examId, String examTitle, int questionNumber, BigDecimal score, BigDecimal maxScore,
            OffsetDateTime releasedAt) {
    }
}
