package io.zhiyue.gateway.ratelimit;

/**
 * What a limiter (shared or local) measured for one request: allowed only when both policies
 * allowed it.
 */
record Outcome(boolean allowed, Usage subject, Usage tenant) {

    /**
     * One policy after the decision.
     *
     * @param remaining requests that would be allowed right now
     * @param resetMillis until the policy's full burst is available again
     * @param waitMillis until this policy would allow the next request (0 when it would now)
     */
    record Usage(long remaining, long resetMillis, long waitMillis) {
    }
}
