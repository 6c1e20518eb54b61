package io.zhiyue.grading.evaluation;

import io.zhiyue.grading.grader.Vectors;

import java.util.Arrays;
import java.util.List;

/**
 * The evaluation's baseline: plain weighted k-NN as it is usually written. The {@value #K} most
 * similar teacher-marked answers, each weighted by its cosine; the proposal is the weighted mean of
 * their scores rounded to the nearest step; the confidence is the weighted share of the neighbours
 * whose score is the proposal (uncalibrated).
 */
final class PlainKnn {

    static final int K = 5;

    record Proposal(double score, double confidence) {
    }

    private final List<float[]> vectors;
    private final double[] scores;
    private final double step;

    PlainKnn(List<float[]> vectors, double[] scores, double step) {
        this.vectors = vectors;
        this.scores = scores;
        this.step = step;
    }

    Proposal propose(float[] vector) {
        int n = vectors.size();
        Integer[] order = new Integer[n];
        double[] similarity = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            similarity[i] = Vectors.dot(vectors.get(i), vector);
        }
        Arrays.sort(order, (a, b) -> Double.compare(similarity[b], similarity[a]));
        int k = Math.min(K, n);
        double total = 0;
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double weight = Math.max(0, similarity[order[j]]);
            total += weight;
            sum += weight * scores[order[j]];
        }
        double score = total == 0 ? 0 : Math.round(sum / total / step) * step;
        double agreeing = 0;
        for (int j = 0; j < k; j++) {
            if (Math.abs(scores[order[j]] - score) < step / 2) {
                agreeing += Math.max(0, similarity[order[j]]);
            }
        }
        return new Proposal(score, total == 0 ? 0 : agreeing / total);
    }
}
