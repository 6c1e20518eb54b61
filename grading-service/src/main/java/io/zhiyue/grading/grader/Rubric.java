package io.zhiyue.grading.grader;

import java.util.List;

/** The ordered scoring points of one question. */
public record Rubric(List<ScoringPoint> points) {
}
