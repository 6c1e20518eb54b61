package io.zhiyue.grading.marking;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The double-marking rules of 网上阅卷 (DESIGN.md "Marking") for one question:
 * <ol>
 * <li>Two independent marks; the AI's proposal counts as the first when there is one, otherwise two
 * people mark. {@code |m1 − m2| ≤ tolerance} → final = their mean rounded down to the step,
 * RESOLVED; else THIRD_MARK.</li>
 * <li>The third mark within {@code tolerance} of the nearer of the first two → final = the mean of
 * that closest pair rounded down to the step, RESOLVED; else ARBITRATION. When the third mark lies
 * exactly midway, the pair with the higher mean is taken: the benefit of the doubt goes to the
 * student, as the rounding down already goes against them.</li>
 * <li>In ARBITRATION only a chief marker's mark is taken, and the chief's score is final.</li>
 * </ol>
 * A marker marks an item once, nothing is taken after RESOLVED, every score must be on the
 * {@link ScoreScale}. Pure: the state is whatever the stored marks make it.
 */
public record DoubleMarkingRules(ScoreScale scale, BigDecimal tolerance) {

    public DoubleMarkingRules {
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(tolerance, "tolerance");
        if (tolerance.signum() < 0) {
            throw new IllegalArgumentException("tolerance must be at least 0, was " + tolerance);
        }
    }

    /**
     * The item as {@code marks}, in the order they were stored, make it.
     *
     * @throws MarkRefusedException or {@link InvalidScoreException} when the marks break the rules
     */
    public Review review(List<Mark> marks) {
        Review review = Review.start();
        for (Mark mark : marks) {
            review = accept(review, mark);
        }
        return review;
    }

    /**
     * The item after {@code mark}: state refusals first (see {@link Review#refusalOf}), then the score.
     *
     * @throws MarkRefusedException  when the item does not take a mark from this marker now
     * @throws InvalidScoreException when the score is missing, out of range or off the step
     */
    public Review accept(Review review, Mark mark) {
        Objects.requireNonNull(mark, "mark");
        Optional<MarkRefusal> refusal = review.refusalOf(mark.markerId(), mark.kind(), mark.chief());
        if (refusal.isPresent()) {
            throw new MarkRefusedException(refusal.get(), explain(refusal.get(), review, mark));
        }
        scale.requireValid(mark.score());
        List<Mark> marks = new ArrayList<>(review.marks());
        marks.add(mark);
        Review next = switch (review.state()) {
            case SECOND_MARK -> afterFirstRound(marks);
            case THIRD_MARK -> afterThirdMark(marks);
            case ARBITRATION -> resolved(marks, mark.score());
            case RESOLVED -> throw new IllegalStateException("a RESOLVED item was not refused");
        };
        if (!review.state().canMoveTo(next.state())) {
            throw new IllegalStateException(review.state() + " cannot move to " + next.state());
        }
        return next;
    }

    private Review afterFirstRound(List<Mark> marks) {
        if (marks.size() < 2) {
            return new Review(ReviewState.SECOND_MARK, marks, null);
        }
        BigDecimal first = marks.get(0).score();
        BigDecimal second = marks.get(1).score();
        return withinTolerance(first, second)
                ? resolved(marks, scale.meanRoundedDown(first, second))
                : new Review(ReviewState.THIRD_MARK, marks, null);
    }

    private Review afterThirdMark(List<Mark> marks) {
        BigDecimal first = marks.get(0).score();
        BigDecimal second = marks.get(1).score();
        BigDecimal third = marks.get(2).score();
        int nearer = third.subtract(first).abs().compareTo(third.subtract(second).abs());
        // Midway between the two: the partner giving the higher mean (benefit of the doubt).
        BigDecimal partner = nearer < 0 ? first : nearer > 0 ? second : first.max(second);
        return withinTolerance(third, partner)
                ? resolved(marks, scale.meanRoundedDown(third, partner))
                : new Review(ReviewState.ARBITRATION, marks, null);
    }

    private boolean withinTolerance(BigDecimal a, BigDecimal b) {
        return a.subtract(b).abs().compareTo(tolerance) <= 0;
    }

    private static Review resolved(List<Mark> marks, BigDecimal finalScore) {
        return new Review(ReviewState.RESOLVED, marks, finalScore);
    }

    private static String explain(MarkRefusal refusal, Review review, Mark mark) {
        return switch (refusal) {
            case ITEM_RESOLVED -> "the review item is RESOLVED with final score "
                    + ScoreScale.plain(review.finalScore()) + "; it takes no further marks";
            case ALREADY_MARKED -> "marker " + mark.markerId()
                    + " has already marked this review item; a marker marks an item once";
            case AI_NOT_FIRST -> "an AI proposal counts only as the first mark; this review item already has "
                    + review.marks().size() + " mark(s)";
            case CHIEF_REQUIRED -> "the review item is in ARBITRATION; only a chief marker may mark it, and "
                    + mark.markerId() + " is not one";
        };
    }
}
