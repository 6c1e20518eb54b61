package io.zhiyue.shared.job;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;

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
     * Analysed, not paused and not ended: the job's task batches are graded as they arrive (the
     * first ones are published while the split still runs). A job can stall in these states, so
     * recovery looks after them.
     */
    public boolean gradesBatches() {
        return this == ANALYZED || this == SPLIT_COMPLETE || this == EXECUTING;
    }

    /** The states for which {@code test} holds, in declaration order. */
    public static Set<JobState> matching(Predicate<JobState> test) {
        Set<JobState> states = EnumSet.noneOf(JobState.class);
        for (JobState state : values()) {
            if (test.test(state)) {
                states.add(state);
            }
        }
        return states;
    }

    /**
     * The states that may move to {@code target}: what a guarded UPDATE requires the job to be in,
     * so the SQL mirrors this machine instead of restating it.
     */
    public static Set<JobState> sourcesOf(JobState target) {
        return matching(state -> state.canMoveTo(target));
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
