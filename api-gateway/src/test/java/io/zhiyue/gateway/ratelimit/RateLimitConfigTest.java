package io.zhiyue.gateway.ratelimit;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.zhiyue.gateway.security.RouteClass;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitConfigTest {

    private static RateLimitConfig mapping(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(RateLimitConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(RateLimitConfig.class);
    }

    @Test
    void everyRouteClassHasItsOwnDefaults() {
        RateLimitConfig config = mapping(Map.of());

        assertThat(config.enabled()).isTrue();
        assertThat(config.redisTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.of(RouteClass.READS).subjectLimit()).isEqualTo(600);
        assertThat(config.of(RouteClass.READS).tenantLimit()).isEqualTo(12000);
        assertThat(config.of(RouteClass.UPLOADS).subjectLimit()).isEqualTo(20);
        assertThat(config.of(RouteClass.JOB_CONTROLS).tenantLimit()).isEqualTo(300);
        assertThat(config.of(RouteClass.STREAMS).subjectPeriod()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.of(RouteClass.MARKING).subjectBurst()).isEmpty();
    }

    @Test
    void keysFollowTheRouteClassKey() {
        RateLimitConfig config = mapping(Map.of(
                "zhiyue.rate-limit.job-controls.subject.limit", "5",
                "zhiyue.rate-limit.job-controls.subject.period", "10s",
                "zhiyue.rate-limit.job-controls.subject.burst", "2",
                "zhiyue.rate-limit.reads.tenant.limit", "7"));

        assertThat(config.of(RouteClass.JOB_CONTROLS).subjectLimit()).isEqualTo(5);
        assertThat(config.of(RouteClass.JOB_CONTROLS).subjectPeriod()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.of(RouteClass.JOB_CONTROLS).subjectBurst()).hasValue(2);
        assertThat(config.of(RouteClass.JOB_CONTROLS).tenantLimit()).isEqualTo(300);
        assertThat(config.of(RouteClass.READS).tenantLimit()).isEqualTo(7);
    }
}
