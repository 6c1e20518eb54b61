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
 * checkpoint-service as the gateway sees it (the operator routes), over every instance through
 * SmallRye Stork, with the same rules as {@link GradingClient} and a breaker of its own, so a
 * checkpoint-service that is down never stops grading calls. Reads and puts (idempotent by
 * checkpoint id) are retried on any failure; a fork (its id may be made downstream) and a delete
 * only when the connection was refused.
 */
@ApplicationScoped
@Timeout(CallBudgets.READ_MILLIS)
@CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
        successThreshold = 2)
public class CheckpointClient {

    private final CheckpointApi api;

    CheckpointClient(@RestClient CheckpointApi api) {
        this.api = api;
    }

    /** The same id twice stores one checkpoint, so a put is retried like a read. */
    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> put(Caller caller, UUID threadId, String namespace, UUID checkpointId,
            MultivaluedMap<String, String> query, RequestBody body) {
        return read(api.put(DownstreamHeaders.of(caller), threadId, namespace, checkpointId, query,
                body.contentType(), body.bytes()));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> latest(Caller caller, UUID threadId, String namespace,
            MultivaluedMap<String, String> query) {
        return read(api.latest(DownstreamHeaders.of(caller), threadId, namespace, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> get(Caller caller, UUID threadId, String namespace, UUID checkpointId,
            MultivaluedMap<String, String> query) {
        return read(api.get(DownstreamHeaders.of(caller), threadId, namespace, checkpointId, query));
    }

    @Timeout(CallBudgets.READ_ATTEMPT_MILLIS)
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = CallBudgets.READ_MILLIS,
            abortOn = CircuitBreakerOpenException.class)
    public Uni<DownstreamResponse> list(Caller caller, UUID threadId, String namespace,
            MultivaluedMap<String, String> query) {
        return read(api.list(DownstreamHeaders.of(caller), threadId, namespace, query));
    }

    /** Retried only unreached: a fork without an id gets a new one downstream on every call. */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> fork(Caller caller, UUID threadId, String namespace, UUID checkpointId,
            MultivaluedMap<String, String> query, RequestBody body) {
        return read(api.fork(DownstreamHeaders.of(caller), threadId, namespace, checkpointId, query,
                body.contentType(), body.bytes()));
    }

    /** Retried only unreached: a second delete that arrived would answer 404 for a thread just deleted. */
    @Retry(retryOn = DownstreamUnreachable.class, maxRetries = 2, delay = 50)
    public Uni<DownstreamResponse> deleteThread(Caller caller, UUID threadId, MultivaluedMap<String, String> query) {
        return read(api.deleteThread(DownstreamHeaders.of(caller), threadId, query));
    }

    private static Uni<DownstreamResponse> read(Uni<Response> call) {
        return DownstreamResponse.of(call);
    }
}
