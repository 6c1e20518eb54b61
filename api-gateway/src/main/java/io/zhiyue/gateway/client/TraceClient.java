package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.config.CallBudgets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedMap;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;

/**
 * tracing-service as the gateway sees it (the trace queries), over every instance through SmallRye Stork, with
 * the same rules as {@link GradingClient} and a breaker of its own. Both calls are reads, retried on any failure.
 */
@ApplicationScoped
@Timeout(CallBudgets.READ_MILLIS)
@CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
        successThreshold = 2)
public class TraceClient {

    private final TraceApi api;

    TraceClient(@RestClient TraceApi api) {
        this.api = api;
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> list(Caller caller, MultivaluedMap<String, String> query) {
        return DownstreamResponse.of(api.list(DownstreamHeaders.of(caller), query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> get(Caller caller, String traceId, MultivaluedMap<String, String> query) {
        return DownstreamResponse.of(api.get(DownstreamHeaders.of(caller), traceId, query));
    }
}
