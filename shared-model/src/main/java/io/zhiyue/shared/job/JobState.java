package io.zhiyue.shared.job;

import java.util.EnumSet;
import java.util.Set;

/**
 * The grading job state machine of DESIGN.md. Allowed transitions live next to the states so a
 * reader sees the whole machine in one place.
 */
public enum JobState {
    CREATED,
    ANALYZED,
    SPLIT_COMPLETE,
    EXECUTING,
    PAUSED,
    COMPLETED,
    CANCELLED,
    FAILED;

    public boolean isFinal() {
        return this == COMPLETED || this == CANCELLED || this == FAILED;
    }

    /** COMPLETED or FAILED: the job ran to its end (CANCELLED was stopped before it). */
    public boolean isOutcome() {
        return this == COMPLETED || this == FAILED;
    }

    /**
     * The states that may move to {@code target}: what a guarded UPDATE requires the job to be in,
     * so the SQL mirrors this machine instead of restating it.
     */
    public static Set<JobState> sourcesOf(JobState target) {
        Set<JobState> sources = EnumSet.noneOf(JobState.class);
        for (JobState state : values()) {
            if (state.canMoveTo(target)) {
                sources.add(state);
            }
        }
        return sources;
    }

    public Set<JobState> next() {
        return switch (this) {
            case CREATED -> EnumSet.of(ANALYZED, CANCELLED, FAILED);
            case ANALYZED -> EnumSet.of(SPLIT_COMPLETE, CANCELLED, FAILED);
            case SPLIT_COMPLETE -> EnumSet.of(EXECUTING, CANCELLED, FAILED);
            case EXECUTING -> EnumSet.of(COMPLETED, PAUSED, CANCELLED, FAILED);
            case PAUSED -> EnumSet.of(EXECUTING, CANCELLED, FAILED);
            case COMPLETED, CANCELLED, FAILED -> EnumSet.noneOf(JobState.class);
        };
    }

    public boolean canMoveTo(JobState target) {
        return next().contains(target);
    }
}
