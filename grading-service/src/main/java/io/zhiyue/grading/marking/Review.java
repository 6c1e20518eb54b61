package io.zhiyue.grading.marking;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A double-marked review item as its marks so far make it: the state, the marks in the order they
 * were stored, and the final score once RESOLVED (null before). Built by {@link DoubleMarkingRules}.
 */
public record Review(ReviewState state, List<Mark> marks, BigDecimal finalScore) {

    /** What the next mark must be. */
    public enum NextMark {
        /** A mark by any marker not yet on the item (SECOND_MARK, THIRD_MARK). */
        NEW_MARKER,
        /** A mark by a chief marker not yet on the item (ARBITRATION). */
        NEW_CHIEF,
        /** None: the item is RESOLVED. */
        NONE
    }

    public Review {
        Objects.requireNonNull(state, "state");
        marks = List.copyOf(marks);
        if ((state == ReviewState.RESOLVED) != (finalScore != null)) {
            throw new IllegalArgumentException("a final score is set exactly when RESOLVED; state " + state
                    + ", final score " + finalScore);
        }
    }

    /** An item no one has marked yet, not even the AI. */
    public static Review start() {
        return new Review(ReviewState.SECOND_MARK, List.of(), null);
    }

    public NextMark nextMark() {
        return switch (state) {
            case SECOND_MARK, THIRD_MARK -> NextMark.NEW_MARKER;
            case ARBITRATION -> NextMark.NEW_CHIEF;
            case RESOLVED -> NextMark.NONE;
        };
    }

    /** How many more marks the current round takes: two people may work an item without a proposal at once. */
    public int marksNeeded() {
        return switch (state) {
            case SECOND_MARK -> 2 - marks.size();
            case THIRD_MARK, ARBITRATION -> 1;
            case RESOLVED -> 0;
        };
    }

    public boolean hasMarked(String markerId) {
        return marks.stream().anyMatch(mark -> mark.markerId().equals(markerId));
    }

    /**
     * Why this item would refuse a mark by {@code markerId}; empty when it takes it. Checked in this
     * order: RESOLVED, the marker already on the item, an AI mark after the first, a non-chief in
     * ARBITRATION (so a chief who already marked the item cannot arbitrate it either).
     */
    public Optional<MarkRefusal> refusalOf(String markerId, MarkerKind kind, boolean chief) {
        if (state == ReviewState.RESOLVED) {
            return Optional.of(MarkRefusal.ITEM_RESOLVED);
        }
        if (hasMarked(markerId)) {
            return Optional.of(MarkRefusal.ALREADY_MARKED);
        }
        if (kind == MarkerKind.AI && !marks.isEmpty()) {
            return Optional.of(MarkRefusal.AI_NOT_FIRST);
        }
        if (state == ReviewState.ARBITRATION && !chief) {
            return Optional.of(MarkRefusal.CHIEF_REQUIRED);
        }
        return Optional.empty();
    }

    /** Whether this person may mark the item now: what a marker's queue shows. */
    public boolean awaits(String markerId, boolean chief) {
        return refusalOf(markerId, MarkerKind.HUMAN, chief).isEmpty();
    }

    /**
     * The marks {@code markerId} may see (blind marking): none of the others, the AI's proposal
     * included, until their own mark is stored; then all of them; every mark once RESOLVED. The third
     * marker and the chief mark blind too, so each is an independent judgement.
     */
    public List<Mark> visibleTo(String markerId) {
        return state == ReviewState.RESOLVED || hasMarked(markerId) ? marks : List.of();
    }
}
