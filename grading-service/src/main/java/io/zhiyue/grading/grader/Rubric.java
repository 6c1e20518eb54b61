package io.zhiyue.grading.grader;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The ordered scoring points of one question. */
@RegisterForReflection
public record Rubric(List<ScoringPoint> points) {
}
