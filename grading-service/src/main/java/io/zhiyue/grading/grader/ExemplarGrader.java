package io.zhiyue.grading.grader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The exemplar grader: proposes a score for an answer from the teacher-marked answers of the same
 * question version, with a confidence calibrated on those marks. Embedding similarity measures
 * topic, not correctness, so similarity is only evidence for which teacher marks to weigh; the
 * score is always one a teacher gave.
 *
 * <ul>
 * <li><b>Score:</b> the {@value #NEIGHBOURS} most similar marked answers vote with weight
 * {@code exp((similarity − best)/τ)}, {@code τ} = {@value #TEMPERATURE}: bge-small-zh puts answers
 * to one question within a narrow band of cosines (0.7–0.95), so plain similarity weights are
 * nearly equal and a distant neighbour counts as much as a near copy. The proposal is the weighted
 * median of the votes, which is always a score a teacher gave (on the step) and, unlike a rounded
 * mean, never lands between two clusters of marks on a score nobody gave.</li>
 * <li><b>Certainty:</b> the weighted share of the voters whose mark is the proposal, times how close
 * the nearest marked answer is ({@code (best − 0.5)/0.5}, clamped to [0, 1]).</li>
 * <li><b>Confidence:</b> the certainty calibrated on the teacher marks themselves: each marked
 * answer (at most {@value #CALIBRATION_SAMPLE}) is proposed from the others (leave-one-out), and
 * isotonic regression (pool adjacent violators, equal certainties pooled first) maps certainty
 * to the share proposed exactly right. An anchor observation says an answer unlike every marked
 * one (certainty 0) is wrong, so a certainty below all the marks showed gets the lowest block's
 * value, never the confidence earned higher up. Each block's share is smoothed with one right and
 * two wrong pseudo-proposals: a grader not yet proven is presumed more often wrong than right, so
 * five right proposals are 6/8 and it takes seventeen in a row to reach 0.9. The values are made
 * non-decreasing from the right (a higher certainty is never promised more than a block above it
 * delivered). Measured on the labelled set in the test tree: with 24 marks per question the mean
 * confidence is close to the share exactly right; with 12 marks chosen as cluster medoids it
 * overstates it, since medoids predict each other better than they predict the answers around
 * them (the README has the figures).</li>
 * </ul>
 *
 * <p>Active from {@value #MIN_EXEMPLARS} marks. Immutable once fitted, so one instance serves every
 * thread. The vectors are unit vectors (cosine = dot product).
 */
public final class ExemplarGrader {

    public static final String ID = "exemplar-knn";
    /** Fewer teacher marks than this and the grader proposes nothing. */
    public static final int MIN_EXEMPLARS = 5;
    static final int NEIGHBOURS = 7;
    static final double TEMPERATURE = 0.05;
    /** The grader's two knobs; {@link #DEFAULT} is what jobs use, others are for the evaluation's sweep. */
    public record Settings(int neighbours, double temperature) {
    }

    public static final Settings DEFAULT = new Settings(NEIGHBOURS, TEMPERATURE);
    static final int CALIBRATION_SAMPLE = 400;
    /** A nearest marked answer at this cosine or below lends no certainty at all. */
    private static final double UNRELATED = 0.5;

    /** A teacher-marked answer: its unit vector and the teacher's score. */
    public record Exemplar(float[] vector, double score) {
    }

    /**
     * A proposal: {@code score} is a teacher's score; {@code certainty} the raw agreement;
     * {@code confidence} the calibrated chance that the score is exactly right; {@code nearest} the
     * cosine of the most similar marked answer; {@code voters} the exemplars that voted (their
     * indices in the list the grader was fitted on), most similar first.
     */
    public record Proposal(double score, double certainty, double confidence, double nearest, int[] voters) {

        public Proposal(double score, double certainty, double confidence, double nearest) {
            this(score, certainty, confidence, nearest, new int[0]);
        }
    }

    /** The exemplars' vectors one after another (row i at i × dimension): one scan through memory. */
    private final float[] vectors;
    private final int dimension;
    private final double[] scores;
    private final Settings settings;
    private final Calibration calibration;

    private ExemplarGrader(float[] vectors, int dimension, double[] scores, Settings settings) {
        this.vectors = vectors;
        this.dimension = dimension;
        this.scores = scores;
        this.settings = settings;
        this.calibration = calibrate();
    }

    /** Fits the grader on at least {@value #MIN_EXEMPLARS} exemplars of one question version. */
    public static ExemplarGrader fit(List<Exemplar> exemplars) {
        return fit(exemplars, DEFAULT);
    }

    public static ExemplarGrader fit(List<Exemplar> exemplars, Settings settings) {
        if (exemplars.size() < MIN_EXEMPLARS) {
            throw new IllegalArgumentException("the exemplar grader needs at least " + MIN_EXEMPLARS
                    + " teacher marks, had " + exemplars.size());
        }
        int dimension = exemplars.get(0).vector().length;
        float[] vectors = new float[exemplars.size() * dimension];
        double[] scores = new double[exemplars.size()];
        for (int i = 0; i < scores.length; i++) {
            float[] vector = exemplars.get(i).vector();
            if (vector.length != dimension) {
                throw new IllegalArgumentException("exemplar " + i + " has " + vector.length + " dimensions, not "
                        + dimension);
            }
            System.arraycopy(vector, 0, vectors, i * dimension, dimension);
            scores[i] = exemplars.get(i).score();
        }
        return new ExemplarGrader(vectors, dimension, scores, settings);
    }

    /** How many teacher-marked answers stand behind the proposals. */
    public int exemplars() {
        return scores.length;
    }

    /** The proposal for an answer's unit vector. */
    public Proposal propose(float[] vector) {
        Vote vote = vote(vector, 0, -1);
        return new Proposal(vote.score(), vote.certainty(), calibration.confidence(vote.certainty()), vote.nearest(),
                vote.voters());
    }

    private record Vote(double score, double certainty, double nearest, int[] voters) {
    }

    /**
     * The weighted vote of the nearest exemplars on the vector at {@code query[from…]}, leaving out
     * exemplar {@code skip} (-1: none).
     */
    private Vote vote(float[] query, int from, int skip) {
        int k = Math.min(settings.neighbours(), scores.length - (skip < 0 ? 0 : 1));
        int[] nearest = new int[k];
        double[] similarity = new double[k];
        Arrays.fill(similarity, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < scores.length; i++) {
            if (i == skip) {
                continue;
            }
            double s = Vectors.dot(vectors, i * dimension, query, from, dimension);
            if (s > similarity[k - 1]) {
                // insertion into the sorted top k (k is small)
                int at = k - 1;
                while (at > 0 && similarity[at - 1] < s) {
                    similarity[at] = similarity[at - 1];
                    nearest[at] = nearest[at - 1];
                    at--;
                }
                similarity[at] = s;
                nearest[at] = i;
            }
        }
        double best = similarity[0];
        double[] weight = new double[k];
        double total = 0;
        for (int j = 0; j < k; j++) {
            weight[j] = Math.exp((similarity[j] - best) / settings.temperature());
            total += weight[j];
        }
        double score = weightedMedian(nearest, weight, total, scores);
        double agreeing = 0;
        for (int j = 0; j < k; j++) {
            if (scores[nearest[j]] == score) {
                agreeing += weight[j];
            }
        }
        double closeness = Math.clamp((best - UNRELATED) / (1 - UNRELATED), 0.0, 1.0);
        return new Vote(score, agreeing / total * closeness, best, nearest);
    }

    /** The lowest score at which the voters' weight reaches half of the total. */
    private static double weightedMedian(int[] voters, double[] weight, double total, double[] scores) {
        Integer[] order = new Integer[voters.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble(j -> scores[voters[j]]));
        double sum = 0;
        for (int j : order) {
            sum += weight[j];
            if (sum >= total / 2) {
                return scores[voters[j]];
            }
        }
        return scores[voters[order[order.length - 1]]];
    }

    /** Leave-one-out over (a spread sample of) the exemplars, then isotonic regression. */
    private Calibration calibrate() {
        int n = scores.length;
        int sample = Math.min(n, CALIBRATION_SAMPLE);
        double[][] observed = new double[sample + 1][];
        for (int j = 0; j < sample; j++) {
            // every (n/sample)-th exemplar: deterministic, spread over the marks as they were loaded
            int i = (int) ((long) j * n / sample);
            Vote vote = vote(vectors, i * dimension, i);
            observed[j] = new double[] {vote.certainty(), vote.score() == scores[i] ? 1 : 0};
        }
        // the anchor: an answer like no marked one (certainty 0) is presumed wrong, so a certainty
        // below every one the marks showed never borrows the confidence they earned higher up
        observed[sample] = new double[] {0, 0};
        return Calibration.isotonic(observed);
    }

    /**
     * Certainty → confidence as a step function over the blocks of the isotonic fit: a certainty
     * gets the value of the highest block starting at or below it (the lowest block below all).
     */
    record Calibration(double[] from, double[] value) {

        static Calibration isotonic(double[][] observed) {
            double[][] sorted = observed.clone();
            Arrays.sort(sorted, Comparator.comparingDouble((double[] pair) -> pair[0]));
            // equal certainties are one observation of their share, whatever order they came in
            List<double[]> tied = new ArrayList<>();
            for (double[] pair : sorted) {
                double[] last = tied.isEmpty() ? null : tied.get(tied.size() - 1);
                if (last != null && last[0] == pair[0]) {
                    last[1] += pair[1];
                    last[2]++;
                } else {
                    tied.add(new double[] {pair[0], pair[1], 1});
                }
            }
            // pool adjacent violators: blocks of (start certainty, right, count) with non-decreasing means
            List<double[]> blocks = new ArrayList<>();
            for (double[] block : tied) {
                while (!blocks.isEmpty()) {
                    double[] last = blocks.get(blocks.size() - 1);
                    if (last[1] / last[2] < block[1] / block[2]) {
                        break;
                    }
                    blocks.remove(blocks.size() - 1);
                    block = new double[] {last[0], last[1] + block[1], last[2] + block[2]};
                }
                blocks.add(block);
            }
            double[] from = new double[blocks.size()];
            double[] value = new double[blocks.size()];
            double ceiling = 1;
            for (int b = blocks.size() - 1; b >= 0; b--) {
                double[] block = blocks.get(b);
                from[b] = block[0];
                ceiling = Math.min(ceiling, (block[1] + 1) / (block[2] + 3));
                value[b] = ceiling;
            }
            return new Calibration(from, value);
        }

        double confidence(double certainty) {
            int block = 0;
            while (block + 1 < from.length && from[block + 1] <= certainty) {
                block++;
            }
            return value[block];
        }
    }
}
