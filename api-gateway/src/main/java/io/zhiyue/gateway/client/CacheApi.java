package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** cache-service's read model of grading jobs, as the gateway reads it. */
@RegisterRestClient(configKey = "cache")
@Path("/api/v1/jobs")
@Produces(MediaType.WILDCARD)
interface CacheApi {

    @GET
    @Path("/{jobId}")
    Uni<Response> job(@BeanParam DownstreamHeaders headers, @PathParam("jobId") String jobId,
            @QueryParam("minVersion") Long minVersion);
}
