package io.zhiyue.grading.embedding;

import io.zhiyue.grading.grader.Vectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which answers a teacher should mark first so that their marks teach the exemplar grader most:
 * the medoids of {@code count} clusters of the answers' embeddings (k-medoids on cosine
 * similarity, unit vectors), biggest cluster first. A medoid is a real answer that stands for many
 * others; marking medoids covers the kinds of answers a question gets, where a random sample of the
 * same size repeats the common kind and misses the rare ones.
 *
 * <p>Seeds are chosen deterministically (the most typical answer, then each time the answer least
 * similar to every seed so far, weighted by how many students wrote it), then assignment and
 * medoid steps alternate a few times. Points are distinct normalised answers with a weight: the
 * number of answers that share the text.
 */
public final class ExemplarChoice {

    /** One distinct answer: its vector and how many answers share it. */
    public record Point(float[] vector, int weight) {
    }

    /** A chosen answer: the index of its point and how many answers its cluster holds. */
    public record Medoid(int point, int clusterWeight) {
    }

    private static final int ITERATIONS = 4;
    /** A medoid is searched among at most this many members of a big cluster (evenly spread). */
    private static final int MEDOID_CANDIDATES = 256;

    private ExemplarChoice() {
    }

    /** At most {@code count} medoids, biggest cluster first (ties: lower point index first). */
    public static List<Medoid> medoids(List<Point> points, int count) {
        int k = Math.min(count, points.size());
        if (k == 0) {
            return List.of();
        }
        int[] medoids = seeds(points, k);
        int[] cluster = new int[points.size()];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            assign(points, medoids, cluster);
            int[] next = new int[k];
            for (int c = 0; c < k; c++) {
                next[c] = medoidOf(points, cluster, c, medoids[c]);
            }
            if (Arrays.equals(next, medoids)) {
                break;
            }
            medoids = next;
        }
        assign(points, medoids, cluster);
        int[] weights = new int[k];
        for (int i = 0; i < points.size(); i++) {
            weights[cluster[i]] += points.get(i).weight();
        }
        List<Medoid> chosen = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            chosen.add(new Medoid(medoids[c], weights[c]));
        }
        chosen.sort(Comparator.comparingInt(Medoid::clusterWeight).reversed().thenComparingInt(Medoid::point));
        return chosen;
    }

    /** The most typical point (closest to the weighted mean), then farthest-first. */
    private static int[] seeds(List<Point> points, int k) {
        int dimension = points.get(0).vector().length;
        double[] mean = new double[dimension];
        for (Point point : points) {
            for (int d = 0; d < dimension; d++) {
                mean[d] += point.vector()[d] * point.weight();
            }
        }
        int first = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < points.size(); i++) {
            double similarity = 0;
            for (int d = 0; d < dimension; d++) {
                similarity += mean[d] * points.get(i).vector()[d];
            }
            if (similarity > best) {
                best = similarity;
                first = i;
            }
        }
        int[] seeds = new int[k];
        seeds[0] = first;
        double[] nearest = new double[points.size()];
        Arrays.fill(nearest, Double.NEGATIVE_INFINITY);
        for (int s = 1; s < k; s++) {
            int farthest = -1;
            double worst = Double.POSITIVE_INFINITY;
            for (int i = 0; i < points.size(); i++) {
                nearest[i] = Math.max(nearest[i], similarity(points.get(i), points.get(seeds[s - 1])));
                // distance weighted by how many wrote it: a common far answer before a lone one
                double score = nearest[i] - Math.log1p(points.get(i).weight()) * 1e-3;
                if (!contains(seeds, s, i) && score < worst) {
                    worst = score;
                    farthest = i;
                }
            }
            seeds[s] = farthest;
        }
        return seeds;
    }

    private static void assign(List<Point> points, int[] medoids, int[] cluster) {
        for (int i = 0; i < points.size(); i++) {
            int bestCluster = 0;
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < medoids.length; c++) {
                double similarity = similarity(points.get(i), points.get(medoids[c]));
                if (similarity > best) {
                    best = similarity;
                    bestCluster = c;
                }
            }
            cluster[i] = bestCluster;
        }
    }

    /** The member with the greatest weighted similarity to the cluster's members. */
    private static int medoidOf(List<Point> points, int[] cluster, int c, int current) {
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < cluster.length; i++) {
            if (cluster[i] == c) {
                members.add(i);
            }
        }
        if (members.isEmpty()) {
            return current;
        }
        int step = Math.max(1, members.size() / MEDOID_CANDIDATES);
        int best = current;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int candidate = 0; candidate < members.size(); candidate += step) {
            Point point = points.get(members.get(candidate));
            double score = 0;
            for (int member : members) {
                score += similarity(point, points.get(member)) * points.get(member).weight();
            }
            if (score > bestScore) {
                bestScore = score;
                best = members.get(candidate);
            }
        }
        return best;
    }

    private static double similarity(Point a, Point b) {
        return Vectors.dot(a.vector(), b.vector());
    }

    private static boolean contains(int[] values, int length, int value) {
        for (int i = 0; i < length; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }
}
