package io.zhiyue.grading.grader;

/** Scores one answer against one question. Implementations are thread-safe. */
public interface Grader {

    /** Names the grader in every proposal it makes ({@link GradeResult#graderId()}), e.g. {@code rule-based-v1}. */
    String id();

    GradeResult grade(GradingQuestion question, String answer);
}
