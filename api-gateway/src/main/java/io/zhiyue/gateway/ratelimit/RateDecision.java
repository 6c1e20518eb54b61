package io.zhiyue.gateway.ratelimit;

import io.zhiyue.gateway.security.RouteClass;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The answer to one request: allowed or not, and the state of both policies for the
 * RateLimit headers (draft-ietf-httpapi-ratelimit-headers, structured-field form).
 *
 * @param policies the subject and the tenant policy after this request; empty when limits are off
 * @param retryAfterSeconds when denied, whole seconds to wait, jitter included (at least 1); else 0
 * @param local decided by this replica alone, because Redis did not answer
 */
public record RateDecision(RouteClass routeClass, boolean allowed, List<PolicyStatus> policies,
        int retryAfterSeconds, boolean local) {

    public static final String POLICY_HEADER = "RateLimit-Policy";
    public static final String RATE_LIMIT_HEADER = "RateLimit";
    public static final String RETRY_AFTER_HEADER = "Retry-After";

    /**
     * One policy as a client sees it.
     *
     * @param name {@code subject} or {@code tenant}
     * @param quota requests per window
     * @param windowSeconds the window
     * @param remaining requests that would be allowed now
     * @param resetSeconds until the whole quota is available again
     */
    public record PolicyStatus(String name, int quota, long windowSeconds, long remaining, long resetSeconds) {
    }

    public RateDecision {
        policies = List.copyOf(policies);
    }

    /** Limits are switched off: allowed, no headers. */
    static RateDecision unlimited(RouteClass routeClass) {
        return new RateDecision(routeClass, true, List.of(), 0, false);
    }

    /** The policy closest to denying: the fewest requests left, then the longest until reset. */
    public Optional<PolicyStatus> nearestLimit() {
        return policies.stream().min(Comparator.comparingLong(PolicyStatus::remaining)
                .thenComparing(Comparator.comparingLong(PolicyStatus::resetSeconds).reversed()));
    }

    /**
     * The headers to copy onto the response, in order: {@code RateLimit-Policy} (every policy),
     * {@code RateLimit} (the nearest to its limit) and, when denied, {@code Retry-After}.
     */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (policies.isEmpty()) {
            return headers;
        }
        headers.put(POLICY_HEADER, policies.stream()
                .map(policy -> quoted(policy.name()) + ";q=" + policy.quota() + ";w=" + policy.windowSeconds())
                .collect(Collectors.joining(", ")));
        nearestLimit().ifPresent(policy -> headers.put(RATE_LIMIT_HEADER,
                quoted(policy.name()) + ";r=" + policy.remaining() + ";t=" + policy.resetSeconds()));
        if (!allowed) {
            headers.put(RETRY_AFTER_HEADER, Integer.toString(retryAfterSeconds));
        }
        return headers;
    }

    private static String quoted(String name) {
        return '"' + name + '"';
    }
}
