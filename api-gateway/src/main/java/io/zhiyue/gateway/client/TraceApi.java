package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * tracing-service serves the trace queries under the same prefix, so every call keeps its path and query.
 */
@RegisterRestClient(configKey = "tracing")
@Path("/api/v1/traces")
@Produces(MediaType.WILDCARD)
interface TraceApi {

    @GET
    Uni<Response> list(@BeanParam DownstreamHeaders headers, @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/{traceId}")
    Uni<Response> get(@BeanParam DownstreamHeaders headers, @PathParam("traceId") String traceId,
            @RestQuery MultivaluedMap<String, String> query);
}
