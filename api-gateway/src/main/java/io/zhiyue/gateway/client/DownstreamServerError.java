package io.zhiyue.gateway.client;

/**
 * A 5xx answer from a downstream service. It is raised as a failure so the circuit breaker
 * counts it (and idempotent calls retry it); the REST layer still relays the original answer.
 */
public class DownstreamServerError extends RuntimeException {

    private final transient DownstreamResponse response;

    public DownstreamServerError(DownstreamResponse response) {
        super("downstream answered " + response.status(), null, false, false);
        this.response = response;
    }

    public DownstreamResponse response() {
        return response;
    }
}
