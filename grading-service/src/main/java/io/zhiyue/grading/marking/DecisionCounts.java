package io.zhiyue.grading.marking;

/**
 * How a question's AI proposals ended, for the auto-accept and override rates:
 * {@code proposals} answers got an AI proposal, {@code autoAccepted} of them were AUTO_ACCEPTED;
 * {@code humanDecided} proposals got their final score from a person (review queue, double marking,
 * audit), and in {@code overridden} of those the final score differs from the proposal.
 */
public record DecisionCounts(long proposals, long autoAccepted, long humanDecided, long overridden) {

    public static final DecisionCounts NONE = new DecisionCounts(0, 0, 0, 0);

    public DecisionCounts {
        if (proposals < 0 || autoAccepted < 0 || humanDecided < 0 || overridden < 0) {
            throw new IllegalArgumentException("counts must be at least 0");
        }
        if (autoAccepted > proposals) {
            throw new IllegalArgumentException("autoAccepted " + autoAccepted + " exceeds proposals " + proposals);
        }
        if (overridden > humanDecided) {
            throw new IllegalArgumentException("overridden " + overridden + " exceeds humanDecided " + humanDecided);
        }
    }
}
