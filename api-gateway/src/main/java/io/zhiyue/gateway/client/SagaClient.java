package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.config.CallBudgets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * saga-service as the gateway sees it (the operator routes), over every instance through SmallRye Stork, with
 * the same rules as {@link GradingClient} and a breaker of its own. Reads are retried on any failure; an action
 * or a cancel only when the connection was refused (a second one that arrived would be refused as not PARKED, or
 * find the saga compensating already).
 */
@ApplicationScoped
@Timeout(CallBudgets.READ_MILLIS)
@CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
        successThreshold = 2)
public class SagaClient {

    private final SagaApi api;

    SagaClient(@RestClient SagaApi api) {
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
    public Uni<DownstreamResponse> get(Caller caller, UUID sagaId, MultivaluedMap<String, String> query) {
        return DownstreamResponse.of(api.get(DownstreamHeaders.of(caller), sagaId, query));
    }

    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> act(Caller caller, UUID sagaId, MultivaluedMap<String, String> query,
            RequestBody body) {
        return DownstreamResponse.of(api.act(DownstreamHeaders.of(caller), sagaId, query, body.contentType(),
                body.bytes()));
    }

    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> cancel(Caller caller, UUID sagaId, MultivaluedMap<String, String> query) {
        return DownstreamResponse.of(api.cancel(DownstreamHeaders.of(caller), sagaId, query));
    }
}
