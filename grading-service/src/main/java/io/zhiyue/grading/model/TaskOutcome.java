package io.zhiyue.grading.model;

/**
 * What became of a task, written once as {@code results.status} (V4's CHECK lists the same
 * names): a task without an outcome is pending. Only DONE outcomes are results a caller sees.
 */
public enum TaskOutcome {
    DONE,
    FAILED,
    CANCELLED
}
