package io.zhiyue.grading.evaluation;

import io.zhiyue.shared.quality.Agreement;

import java.util.Comparator;
import java.util.List;

/**
 * The figures of one grader on one question of the labelled set, over the answers it proposed for
 * (the teacher-marked ones excluded):
 * <ul>
 * <li>{@code kappa}: quadratic weighted kappa of proposals against the teacher's scores, categories
 * {@code score / step} ({@link Agreement});</li>
 * <li>{@code autoAcceptRate}: share of proposals with confidence ≥ {@code minConfidence};</li>
 * <li>{@code acceptedExact}, {@code acceptedAdjacent}: among those, the share exactly right and the
 * share within {@code max(1, step)} (null when none was accepted);</li>
 * <li>{@code top30Exact}, {@code top50Exact}: exact agreement of the 30 % and 50 % most confident
 * proposals (ties broken by the answer's order in the set, so the figure is reproducible);</li>
 * <li>{@code exact} and {@code meanConfidence} over all proposals: a calibrated grader's mean
 * confidence is close to its exact agreement.</li>
 * </ul>
 */
record EvaluationFigures(int proposals, Double kappa, double autoAcceptRate, Double acceptedExact,
        Double acceptedAdjacent, Double top30Exact, Double top50Exact, Double exact, Double meanConfidence) {

    /** One proposal against the teacher's score. */
    record Scored(double teacher, double proposed, double confidence) {

        boolean exact() {
            return teacher == proposed;
        }

        boolean adjacent(double step) {
            return Math.abs(teacher - proposed) <= Math.max(1, step) + 1e-9;
        }
    }

    static EvaluationFigures of(List<Scored> scored, double step, double minConfidence) {
        int n = scored.size();
        long[] teacher = new long[n];
        long[] proposed = new long[n];
        int accepted = 0;
        int acceptedExact = 0;
        int acceptedAdjacent = 0;
        int exact = 0;
        double confidence = 0;
        for (int i = 0; i < n; i++) {
            Scored one = scored.get(i);
            exact += one.exact() ? 1 : 0;
            confidence += one.confidence();
            teacher[i] = Math.round(one.teacher() / step);
            proposed[i] = Math.round(one.proposed() / step);
            if (one.confidence() >= minConfidence) {
                accepted++;
                acceptedExact += one.exact() ? 1 : 0;
                acceptedAdjacent += one.adjacent(step) ? 1 : 0;
            }
        }
        return new EvaluationFigures(n, Agreement.quadraticWeightedKappa(teacher, proposed),
                n == 0 ? 0 : (double) accepted / n, share(acceptedExact, accepted), share(acceptedAdjacent, accepted),
                mostConfidentExact(scored, 0.3), mostConfidentExact(scored, 0.5), share(exact, n),
                n == 0 ? null : confidence / n);
    }

    /** Exact agreement of the {@code part} most confident proposals (at least one); null without proposals. */
    static Double mostConfidentExact(List<Scored> scored, double part) {
        if (scored.isEmpty()) {
            return null;
        }
        int take = Math.max(1, (int) Math.round(scored.size() * part));
        List<Scored> confident = scored.stream()
                .sorted(Comparator.comparingDouble(Scored::confidence).reversed()).limit(take).toList();
        return share((int) confident.stream().filter(Scored::exact).count(), take);
    }

    private static Double share(int part, int whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
