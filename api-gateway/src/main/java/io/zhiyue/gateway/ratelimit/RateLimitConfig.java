package io.zhiyue.gateway.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.zhiyue.gateway.security.RouteClass;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * Rate limits per route class, each with a per-subject and a per-tenant policy of
 * {@code limit} requests per {@code period}; {@code burst} (default: the limit) is how many may
 * come at once after a quiet spell. Keys are {@code zhiyue.rate-limit.<class>.<subject|tenant>.<limit|period|burst>}.
 * The defaults are sized so that a school in normal use never meets them; they stop runaway
 * scripts and floods:
 * <pre>
 * class          subject / 60s   tenant / 60s
 * reads                    600         12000
 * writes                   120          2400
 * uploads                   20           200
 * job-controls              30           300
 * marking                  300          6000
 * streams                   30           600
 * </pre>
 */
@ConfigMapping(prefix = "zhiyue.rate-limit")
public interface RateLimitConfig {

    /** Off: every request is allowed and no RateLimit headers are sent. */
    @WithDefault("true")
    boolean enabled();

    /** How long a decision waits for Redis before this replica decides alone (local limits). */
    @WithDefault("250ms")
    Duration redisTimeout();

    /** While Redis is failing, how often one request tries it again; the others go straight to local limits. */
    @WithDefault("1s")
    Duration redisRetryInterval();

    /** Subjects and tenants the local (fallback) limiter remembers at most; idle ones expire sooner. */
    @WithDefault("100000")
    int localMaxKeys();

    /** Up to this many whole seconds are added at random to Retry-After, so denied clients do not return in step. */
    @WithDefault("1")
    int retryAfterJitterSeconds();

    Reads reads();

    Writes writes();

    Uploads uploads();

    JobControls jobControls();

    Marking marking();

    Streams streams();

    default RouteLimits of(RouteClass routeClass) {
        return switch (routeClass) {
            case READS -> reads();
            case WRITES -> writes();
            case UPLOADS -> uploads();
            case JOB_CONTROLS -> jobControls();
            case MARKING -> marking();
            case STREAMS -> streams();
        };
    }

    /** The two policies of one route class; each class below only sets its own default limits. */
    interface RouteLimits {

        @WithName("subject.limit")
        int subjectLimit();

        @WithName("subject.period")
        @WithDefault("60s")
        Duration subjectPeriod();

        @WithName("subject.burst")
        OptionalInt subjectBurst();

        @WithName("tenant.limit")
        int tenantLimit();

        @WithName("tenant.period")
        @WithDefault("60s")
        Duration tenantPeriod();

        @WithName("tenant.burst")
        OptionalInt tenantBurst();
    }

    /** GET of exams, jobs, results, traces: dashboards poll these, so they are generous. */
    interface Reads extends RouteLimits {
        @Override
        @WithName("subject.limit")
        @WithDefault("600")
        int subjectLimit();

        @Override
        @WithName("tenant.limit")
        @WithDefault("12000")
        int tenantLimit();
    }

    /** Creating exams, questions and rubrics, overrides. */
    interface Writes extends RouteLimits {
        @Override
        @WithName("subject.limit")
        @WithDefault("120")
        int subjectLimit();

        @Override
        @WithName("tenant.limit")
        @WithDefault("2400")
        int tenantLimit();
    }

    /** Submission uploads (up to the body limit each) and exports. */
    interface Uploads extends RouteLimits {
        @Override
        @WithName("subject.limit")
        @WithDefault("20")
        int subjectLimit();

        @Override
        @WithName("tenant.limit")
        @WithDefault("200")
        int tenantLimit();
    }

    /** Creating, starting, pausing, resuming and cancelling grading jobs. */
    interface JobControls extends RouteLimits {
        @Override
        @WithName("subject.limit")
        @WithDefault("30")
        int subjectLimit();

        @Override
        @WithName("tenant.limit")
        @WithDefault("300")
        int tenantLimit();
    }

    /** Human marks and reviews: a fast marker posts about one a second. */
    interface Marking extends RouteLimits {
        @Override
        @WithName("subject.limit")
        @WithDefault("300")
        int subjectLimit();

        @Override
        @WithName("tenant.limit")
        @WithDefault("6000")
        int tenantLimit();
    }

    /** Opening live sockets and SSE token streams (each then stays open). */
    interface Streams extends RouteLimits {
        @Override
        @WithName("subject.limit")
        @WithDefault("30")
        int subjectLimit();

        @Override
        @WithName("tenant.limit")
        @WithDefault("600")
        int tenantLimit();
    }
}
