package io.zhiyue.shared.saga;

/** The saga definitions services start by name (saga-service defines them; initiators name them). */
public final class SagaNames {

    /** A teacher's override of a published score. */
    public static final String SCORE_OVERRIDE = "score-override";
    /** A review-queue mark on a completed job: the override's steps, its cache step retried, never compensated. */
    public static final String REVIEW_MARK = "review-mark";

    private SagaNames() {
    }
}
