package io.zhiyue.grading.checkpoint;

import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * checkpoint-service as the marking pipeline uses it: the latest checkpoint of a namespace, the
 * newest few (to fall back past a corrupt one), one by id, and a put. Every call gives up after
 * {@value #TIMEOUT_MS} ms, and a checkpoint-service that keeps failing (refused connections, time
 * outs) is left alone for a while by a circuit breaker per call, so a hung service costs marking
 * a few slow batches, not a slow call in every batch. Answers, 5xx included, are the caller's to
 * read ({@code disable-default-mapper}).
 */
@RegisterRestClient(configKey = "checkpoint")
@Path("/api/v1/checkpoints")
@Timeout(CheckpointApi.TIMEOUT_MS)
@CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 10, delayUnit = ChronoUnit.SECONDS)
public interface CheckpointApi {

    long TIMEOUT_MS = 3_000;

    @GET
    @Path("/{threadId}/{namespace}/latest")
    @CircuitBreakerName("checkpoint-latest")
    Uni<Response> latest(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace);

    /** The newest checkpoints of the namespace, without states. */
    @GET
    @Path("/{threadId}/{namespace}")
    @CircuitBreakerName("checkpoint-list")
    Uni<Response> newest(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @QueryParam("page_size") int pageSize);

    @GET
    @Path("/{threadId}/{namespace}/{checkpointId}")
    @CircuitBreakerName("checkpoint-get")
    Uni<Response> get(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @PathParam("checkpointId") UUID checkpointId);

    @PUT
    @Path("/{threadId}/{namespace}/{checkpointId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @CircuitBreakerName("checkpoint-put")
    Uni<Response> put(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @PathParam("checkpointId") UUID checkpointId, String body);
}
