package io.zhiyue.gateway.config;

/**
 * The time budgets of calls to downstream services, in one place: the fault-tolerance
 * annotations need constants, and the configuration's defaults are these.
 */
public final class CallBudgets {

    /** A read or quick write, retries included. */
    public static final long READ_MILLIS = 5_000;

    /** One attempt of a read: two fit in its budget, so a hung instance leaves time to ask another. */
    public static final long READ_ATTEMPT_MILLIS = 2_400;

    /**
     * A read from cache-service's read model: it may wait up to 300 ms for a version asked for,
     * and past this the gateway asks grading-service instead.
     */
    public static final long READ_MODEL_MILLIS = 800;

    /** Uploads, exports and job actions, which do real work before they answer. */
    public static final long SLOW_MILLIS = 30_000;

    private CallBudgets() {
    }
}
