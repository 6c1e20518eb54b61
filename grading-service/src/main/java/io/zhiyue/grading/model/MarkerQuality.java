package io.zhiyue.grading.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.util.List;

/**
 * Per-marker figures of an exam: how many answers they marked in the review queue
 * ({@code reviewMarks}) and as teacher marks ({@code teacherMarks}), their speed (median seconds
 * from taking an item to marking it), their mean absolute deviation from the final scores of the
 * items they marked that are resolved, and their self-consistency on answers served to them again
 * blind (回评): how many, how many got the same score, and the mean absolute difference.
 */
@RegisterForReflection
public record MarkerQuality(List<Marker> markers) {

    @RegisterForReflection
    public record Marker(String markerId, long reviewMarks, long teacherMarks, Double medianSecondsPerMark,
            long resolvedMarks, BigDecimal meanDeviation, long rechecked, long rechecksSame,
            BigDecimal meanRecheckDifference) {
    }
}
