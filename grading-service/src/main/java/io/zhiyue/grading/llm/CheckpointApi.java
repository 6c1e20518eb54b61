package io.zhiyue.grading.llm;

import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.UUID;

/** checkpoint-service as the marking pipeline uses it: the latest checkpoint of a namespace, and a put. */
@RegisterRestClient(configKey = "checkpoint")
@Path("/api/v1/checkpoints")
public interface CheckpointApi {

    @GET
    @Path("/{threadId}/{namespace}/latest")
    Uni<Response> latest(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace);

    @PUT
    @Path("/{threadId}/{namespace}/{checkpointId}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> put(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @PathParam("checkpointId") UUID checkpointId, String body);
}
