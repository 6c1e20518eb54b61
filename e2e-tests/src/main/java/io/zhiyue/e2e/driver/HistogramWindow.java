package io.zhiyue.e2e.driver;

import java.util.Arrays;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cumulative buckets of one Prometheus histogram series as a service's {@code /q/metrics} had them, or the
 * difference of two such scrapes: what the service observed between them, so a bench measures its own timed
 * window and not the warm-up before it (Micrometer's own percentiles cover a sliding two minutes).
 *
 * @param bounds the buckets' upper bounds in the series' unit, ascending, the last one +Inf
 * @param counts the cumulative count of each bucket
 */
record HistogramWindow(double[] bounds, double[] counts) {

    private static final Pattern LE = Pattern.compile(",?le=\"([^\"]+)\"");

    /**
     * The buckets of {@code name} (a histogram's base name, e.g. {@code zhiyue_cache_load_seconds}) whose labels
     * contain {@code labels} (e.g. {@code layer="redis"}); no buckets when the series is not there. Lines may end
     * their labels in a comma and carry an exemplar after the count. Refuses labels that match several series.
     */
    static HistogramWindow scrape(String metrics, String name, String labels) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        String series = null;
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(name + "_bucket{") || !line.contains(labels)) {
                continue;
            }
            Matcher le = LE.matcher(line);
            int end = le.find() ? line.indexOf("} ", le.end()) : -1;
            if (end < 0) {
                continue;
            }
            String others = line.substring(0, le.start()) + line.substring(le.end(), end);
            if (series != null && !series.equals(others)) {
                throw new IllegalArgumentException(labels + " matches more than one series of " + name + ": "
                        + series + " and " + others);
            }
            series = others;
            double bound = "+Inf".equals(le.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
            // the count follows the labels; an exemplar (" # {trace_id=...} value time") may follow it
            buckets.put(bound, Double.parseDouble(line.substring(end + 2).trim().split(" ", 2)[0]));
        }
        return new HistogramWindow(buckets.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                buckets.values().stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * What was observed after {@code earlier}, a scrape of the same series before this one (no buckets: the
     * series did not exist yet). A restarted service, whose counts went back, is refused rather than measured.
     */
    HistogramWindow since(HistogramWindow earlier) {
        if (earlier.bounds.length == 0) {
            return this;
        }
        if (!Arrays.equals(bounds, earlier.bounds)) {
            throw new IllegalStateException("the two scrapes have different buckets");
        }
        double[] delta = new double[counts.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = counts[i] - earlier.counts[i];
            if (delta[i] < 0) {
                throw new IllegalStateException("a bucket's count went down between the scrapes (a restart?)");
            }
        }
        return new HistogramWindow(bounds, delta);
    }

    /** How many observations there are. */
    long total() {
        return counts.length == 0 ? 0 : Math.round(counts[counts.length - 1]);
    }

    /**
     * The {@code q} quantile, interpolated linearly inside its bucket as Prometheus' {@code histogram_quantile}
     * does (NaN: no observations; a quantile in the +Inf bucket answers the largest finite bound).
     */
    double quantile(double q) {
        long total = total();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] >= rank) {
                double lower = i == 0 ? 0 : bounds[i - 1];
                if (Double.isInfinite(bounds[i])) {
                    return lower;
                }
                double below = i == 0 ? 0 : counts[i - 1];
                double inBucket = counts[i] - below;
                return inBucket == 0 ? bounds[i] : lower + (bounds[i] - lower) * (rank - below) / inBucket;
            }
        }
        return Double.NaN;
    }

    /** The share of observations at most {@code bound}, which must be one of the bucket bounds (NaN otherwise). */
    double shareWithin(double bound) {
        for (int i = 0; i < bounds.length; i++) {
            if (Math.abs(bounds[i] - bound) <= bound * 1e-9) {
                return total() == 0 ? Double.NaN : counts[i] / total();
            }
        }
        return Double.NaN;
    }
}
