package io.zhiyue.e2e.driver;

import java.util.ArrayList;
import java.util.List;

/** The figures the benches print: medians and nearest-rank percentiles. */
final class Stats {

    private Stats() {
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** Nearest rank of sorted values. */
    static double percentile(double[] sorted, double share) {
        return sorted[Math.max(0, (int) Math.ceil(share * sorted.length) - 1)];
    }

    /** Nearest rank of the values, in any order. */
    static double percentile(List<Double> values, double share) {
        return percentile(values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), share);
    }
}
