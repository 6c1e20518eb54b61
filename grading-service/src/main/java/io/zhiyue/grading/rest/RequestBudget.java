package io.zhiyue.grading.rest;

/**
 * How long a request may take before it answers 503 with Retry-After (SmallRye Fault Tolerance
 * {@code @Timeout} on the resources): a PostgreSQL or Redis that does not answer fails the call
 * fast instead of holding it. A little under the gateway's budgets (5 s and 30 s), so the
 * service's own answer arrives first.
 */
final class RequestBudget {

    /** Reads and small writes. */
    static final long READ_SECONDS = 4;

    /** Uploads, exports and job actions, which do real work before they answer. */
    static final long SLOW_SECONDS = 28;

    private RequestBudget() {
    }
}
