package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.UUID;

/**
 * saga-service serves the operator routes under the same prefix, so every call keeps its path and query.
 */
@RegisterRestClient(configKey = "saga")
@Path("/api/v1/sagas")
@Produces(MediaType.WILDCARD)
interface SagaApi {

    @GET
    Uni<Response> list(@BeanParam DownstreamHeaders headers, @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/{sagaId}")
    Uni<Response> get(@BeanParam DownstreamHeaders headers, @PathParam("sagaId") UUID sagaId,
            @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/{sagaId}/actions")
    Uni<Response> act(@BeanParam DownstreamHeaders headers, @PathParam("sagaId") UUID sagaId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @POST
    @Path("/{sagaId}/cancel")
    Uni<Response> cancel(@BeanParam DownstreamHeaders headers, @PathParam("sagaId") UUID sagaId,
            @RestQuery MultivaluedMap<String, String> query);
}
