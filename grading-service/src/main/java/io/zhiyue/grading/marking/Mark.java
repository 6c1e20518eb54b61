package io.zhiyue.grading.marking;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * One mark on a review item: who ({@code markerId}, a person or a grader id), what kind, the score,
 * whether the marker holds the chief flag (only a person can), and when. The score is checked
 * against the question's scale when the mark is accepted, not here, so a bad score is a 400.
 */
public record Mark(String markerId, MarkerKind kind, BigDecimal score, boolean chief, OffsetDateTime at) {

    public Mark {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        if (markerId == null || markerId.isBlank()) {
            throw new IllegalArgumentException("markerId is required");
        }
        if (chief && kind == MarkerKind.AI) {
            throw new IllegalArgumentException("only a person can be a chief marker, not " + markerId);
        }
    }

    public static Mark human(String markerId, BigDecimal score, OffsetDateTime at) {
        return new Mark(markerId, MarkerKind.HUMAN, score, false, at);
    }

    public static Mark chief(String markerId, BigDecimal score, OffsetDateTime at) {
        return new Mark(markerId, MarkerKind.HUMAN, score, true, at);
    }

    public static Mark ai(String graderId, BigDecimal score, OffsetDateTime at) {
        return new Mark(graderId, MarkerKind.AI, score, false, at);
    }
}
