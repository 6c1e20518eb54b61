package io.zhiyue.grading.marking;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a double-marked review item (DESIGN.md "Marking"). SECOND_MARK is the whole first
 * round of two independent marks: with the AI's proposal as the first mark it waits for one person,
 * without a proposal for two, so it may stay SECOND_MARK after a mark.
 */
public enum ReviewState {
    SECOND_MARK,
    THIRD_MARK,
    ARBITRATION,
    RESOLVED;

    public Set<ReviewState> next() {
        return switch (this) {
            case SECOND_MARK -> EnumSet.of(SECOND_MARK, THIRD_MARK, RESOLVED);
            case THIRD_MARK -> EnumSet.of(ARBITRATION, RESOLVED);
            case ARBITRATION -> EnumSet.of(RESOLVED);
            case RESOLVED -> EnumSet.noneOf(ReviewState.class);
        };
    }

    public boolean canMoveTo(ReviewState target) {
        return next().contains(target);
    }
}
