package io.zhiyue.grading.marking;

/** Who made a mark: a person, or a grader whose proposal counts as a mark in double marking. */
public enum MarkerKind {
    HUMAN,
    AI
}
