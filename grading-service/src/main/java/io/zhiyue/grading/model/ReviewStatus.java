package io.zhiyue.grading.model;

/**
 * What became of a graded answer (DESIGN.md "Marking"): a person's mark is final (HUMAN), a
 * grader's proposal was final without one (AUTO_ACCEPTED: rule mode, or confident enough in ai
 * mode), or it waits for people (NEEDS_REVIEW: no final score yet). Stored as
 * {@code results.review_status}.
 */
public enum ReviewStatus {
    HUMAN,
    AUTO_ACCEPTED,
    NEEDS_REVIEW;

    public boolean isFinal() {
        return this != NEEDS_REVIEW;
    }
}
