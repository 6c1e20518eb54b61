package io.zhiyue.grading.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.time.temporal.ChronoUnit;

/**
 * saga-service as grading-service uses it: start a saga (idempotent by its request key). Gives up after
 * {@value #TIMEOUT_MS} ms; a saga-service that keeps failing is left alone for a while.
 */
@RegisterRestClient(configKey = "saga")
@Path("/api/v1/sagas")
@Timeout(SagaServiceApi.TIMEOUT_MS)
@CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 10, delayUnit = ChronoUnit.SECONDS)
public interface SagaServiceApi {

    long TIMEOUT_MS = 3_000;

    /** Answers the saga (202 started now, 200 started before under the same key). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @CircuitBreakerName("saga-start")
    Uni<JsonNode> start(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, JsonNode body);
}
