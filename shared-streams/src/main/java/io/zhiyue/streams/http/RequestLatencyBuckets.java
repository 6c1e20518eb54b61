package io.zhiyue.streams.http;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.stream.Stream;

/**
 * Latency buckets on every service's HTTP server timer ({@code http_server_requests_seconds_bucket}), so a
 * dashboard or an alert computes any route's p50 or p99 across replicas with {@code histogram_quantile}. Fixed
 * boundaries keep it to a dozen series per route, status and method (Micrometer's own histogram has seventy).
 */
@Singleton
public class RequestLatencyBuckets {

    static final String HTTP_SERVER_REQUESTS = "http.server.requests";

    /** From a cached read to the 30 s a gateway upload may take. */
    static final Duration[] BOUNDARIES = Stream.of("PT0.005S", "PT0.01S", "PT0.025S", "PT0.05S", "PT0.1S", "PT0.25S",
            "PT0.5S", "PT1S", "PT2.5S", "PT5S", "PT10S", "PT30S").map(Duration::parse).toArray(Duration[]::new);

    @Produces
    @Singleton
    MeterFilter httpServerLatencyBuckets() {
        double[] nanos = Stream.of(BOUNDARIES).mapToDouble(Duration::toNanos).toArray();
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!HTTP_SERVER_REQUESTS.equals(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
            }
        };
    }
}
