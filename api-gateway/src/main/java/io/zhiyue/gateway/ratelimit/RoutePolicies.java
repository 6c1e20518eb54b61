package io.zhiyue.gateway.ratelimit;

/** The two policies every request of one route class must pass. */
record RoutePolicies(RatePolicy subject, RatePolicy tenant) {

    static RoutePolicies of(RateLimitConfig.RouteLimits limits) {
        return new RoutePolicies(RatePolicy.subject(limits), RatePolicy.tenant(limits));
    }

    /** The longest credit any policy can hold: how long an idle key may be remembered at most. */
    double toleranceMillis() {
        return Math.max(subject.toleranceMillis(), tenant.toleranceMillis());
    }
}
