package io.zhiyue.grading.grader;

/** Scores one answer against one question. Implementations are thread-safe. */
public interface Grader {

    /** Stored with every result, e.g. {@code rule-based-v1}. */
    String id();

    GradeResult grade(GradingQuestion question, String answer);
}
