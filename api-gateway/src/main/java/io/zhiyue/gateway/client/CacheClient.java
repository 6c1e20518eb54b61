package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.config.CallBudgets;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;

/**
 * cache-service as the gateway sees it, over every instance through SmallRye Stork: the job read
 * model. A read from it is a shortcut, never the only way: no retries (grading-service is the
 * fallback), a short budget, and a breaker of its own so a cache-service that is down costs
 * nothing but the fallback.
 */
@ApplicationScoped
@Timeout(CallBudgets.READ_MODEL_MILLIS)
@CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
        successThreshold = 2)
public class CacheClient {

    private final CacheApi api;

    CacheClient(@RestClient CacheApi api) {
        this.api = api;
    }

    /** The job from the read model; a 404 when it has not seen the job (or not {@code minVersion} of it). */
    public Uni<DownstreamResponse> job(Caller caller, String jobId, Long minVersion) {
        return DownstreamResponse.of(api.job(DownstreamHeaders.of(caller), jobId, minVersion));
    }
}
