package io.zhiyue.e2e.driver;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HistogramWindowTest {

    /** Two series of one histogram, as Micrometer writes them: an exemplar after some counts, a comma before }. */
    private static String scrape(long fast, long mid, long slow) {
        return String.join("\n",
                "# TYPE t_seconds histogram",
                "t_seconds_bucket{layer=\"redis\",le=\"0.001\"} " + fast + ".0 # {trace_id=\"ab\"} 9.0E-4 17959.1",
                "t_seconds_bucket{layer=\"redis\",le=\"0.002\"} " + (fast + mid) + ".0",
                "t_seconds_bucket{layer=\"redis\",le=\"+Inf\"} " + (fast + mid + slow) + ".0",
                "t_seconds_count{layer=\"redis\"} " + (fast + mid + slow) + ".0",
                "t_seconds_bucket{layer=\"local\",le=\"1.0E-4\",} 7.0",
                "t_seconds_bucket{layer=\"local\",le=\"+Inf\",} 8.0");
    }

    @Test
    void readsOneSeriesWithExemplarsAndTrailingCommas() {
        HistogramWindow redis = HistogramWindow.scrape(scrape(80, 15, 5), "t_seconds", "layer=\"redis\"");
        assertThat(redis.bounds()).containsExactly(0.001, 0.002, Double.POSITIVE_INFINITY);
        assertThat(redis.total()).isEqualTo(100);
        assertThat(redis.shareWithin(0.002)).isEqualTo(0.95);
        assertThat(redis.shareWithin(0.0015)).isNaN();

        HistogramWindow local = HistogramWindow.scrape(scrape(80, 15, 5), "t_seconds", "layer=\"local\"");
        assertThat(local.total()).isEqualTo(8);
        assertThat(local.shareWithin(1.0E-4)).isEqualTo(7 / 8.0);
        assertThat(HistogramWindow.scrape(scrape(1, 1, 1), "t_seconds", "layer=\"postgres\"").total()).isZero();
    }

    @Test
    void quantilesInterpolateInsideTheirBucketAsPrometheusDoes() {
        HistogramWindow window = HistogramWindow.scrape(scrape(80, 15, 5), "t_seconds", "layer=\"redis\"");
        // rank 50 of the first bucket's 80, from 0 to 1 ms
        assertThat(window.quantile(0.5)).isCloseTo(0.000625, within(1e-12));
        // rank 90: 10 of the second bucket's 15, from 1 to 2 ms
        assertThat(window.quantile(0.9)).isCloseTo(0.001 + 0.001 * 10 / 15, within(1e-12));
        // rank 99 lies in +Inf: the largest finite bound
        assertThat(window.quantile(0.99)).isEqualTo(0.002);
        assertThat(new HistogramWindow(new double[0], new double[0]).quantile(0.5)).isNaN();
    }

    @Test
    void aWindowIsTheDifferenceOfTwoScrapes() {
        HistogramWindow before = HistogramWindow.scrape(scrape(1000, 0, 50), "t_seconds", "layer=\"redis\"");
        HistogramWindow after = HistogramWindow.scrape(scrape(1080, 15, 55), "t_seconds", "layer=\"redis\"");
        HistogramWindow window = after.since(before);
        assertThat(window.total()).isEqualTo(100);
        assertThat(window.shareWithin(0.001)).isEqualTo(0.8);
        assertThat(window.quantile(0.5)).isCloseTo(0.000625, within(1e-12));
        // a series that did not exist yet: everything is new
        assertThat(after.since(HistogramWindow.scrape("", "t_seconds", "layer=\"redis\"")).total()).isEqualTo(1150);
    }

    @Test
    void refusesWhatItCannotMeasure() {
        HistogramWindow before = HistogramWindow.scrape(scrape(1000, 0, 50), "t_seconds", "layer=\"redis\"");
        HistogramWindow restarted = HistogramWindow.scrape(scrape(10, 0, 0), "t_seconds", "layer=\"redis\"");
        assertThatThrownBy(() -> restarted.since(before)).isInstanceOf(IllegalStateException.class);
        HistogramWindow local = HistogramWindow.scrape(scrape(1, 1, 1), "t_seconds", "layer=\"local\"");
        assertThatThrownBy(() -> local.since(before)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> HistogramWindow.scrape(scrape(1, 1, 1), "t_seconds", "le="))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
