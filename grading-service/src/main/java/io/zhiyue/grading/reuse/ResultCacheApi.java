package io.zhiyue.grading.reuse;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * cache-service's result cache as the marking workers use it: one lookup per batch, one put of what the batch
 * graded, and the invalidation of one entry. Every call gives up after {@value #TIMEOUT_MS} ms and a cache-service
 * that keeps failing is left alone for a while (a circuit breaker per call): reuse is a saving, so without it a
 * batch is graded in full, never held up.
 */
@RegisterRestClient(configKey = "cache")
@Path("/api/v1/cache/results")
@Timeout(ResultCacheApi.TIMEOUT_MS)
@CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 10, delayUnit = ChronoUnit.SECONDS)
public interface ResultCacheApi {

    long TIMEOUT_MS = 1_000;
    /** The most entries one lookup or put may carry (cache-service's limit). */
    int MAX_ENTRIES = 1_000;

    @RegisterForReflection
    record Ref(String questionVersion, String key) {
    }

    @RegisterForReflection
    record Entry(String questionVersion, String key, JsonNode value) {
    }

    @RegisterForReflection
    record Refs(List<Ref> entries) {
    }

    @RegisterForReflection
    record Entries(List<Entry> entries) {
    }

    /** A result found, with the layer of cache-service that had it ({@code local}, {@code redis}, {@code postgres}). */
    @RegisterForReflection
    record Hit(String questionVersion, String key, JsonNode value, long version, String source) {
    }

    @RegisterForReflection
    record Hits(List<Hit> hits) {
    }

    @POST
    @Path("/lookup")
    @Consumes(MediaType.APPLICATION_JSON)
    @CircuitBreakerName("result-cache-lookup")
    Uni<Hits> lookup(@HeaderParam(TenantHeaders.TENANT) String tenant, Refs refs);

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @CircuitBreakerName("result-cache-put")
    Uni<JsonNode> put(@HeaderParam(TenantHeaders.TENANT) String tenant, Entries entries);

    @DELETE
    @Path("/{questionVersion}/{key}")
    @CircuitBreakerName("result-cache-invalidate")
    Uni<Void> invalidate(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("questionVersion") String questionVersion, @PathParam("key") String key);
}
