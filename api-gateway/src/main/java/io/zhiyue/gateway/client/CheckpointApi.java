package io.zhiyue.gateway.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
 * checkpoint-service serves the operator routes under the same prefix, so every call keeps its
 * path; the query travels as one map because lists take {@code filter[metadata.<key>]} names.
 */
@RegisterRestClient(configKey = "checkpoint")
@Path("/api/v1/checkpoints")
@Produces(MediaType.WILDCARD)
interface CheckpointApi {

    @PUT
    @Path("/{threadId}/{namespace}/{checkpointId}")
    Uni<Response> put(@BeanParam DownstreamHeaders headers, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @PathParam("checkpointId") UUID checkpointId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @GET
    @Path("/{threadId}/{namespace}/latest")
    Uni<Response> latest(@BeanParam DownstreamHeaders headers, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/{threadId}/{namespace}/{checkpointId}")
    Uni<Response> get(@BeanParam DownstreamHeaders headers, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @PathParam("checkpointId") UUID checkpointId,
            @RestQuery MultivaluedMap<String, String> query);

    @GET
    @Path("/{threadId}/{namespace}")
    Uni<Response> list(@BeanParam DownstreamHeaders headers, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @RestQuery MultivaluedMap<String, String> query);

    @POST
    @Path("/{threadId}/{namespace}/{checkpointId}/fork")
    Uni<Response> fork(@BeanParam DownstreamHeaders headers, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @PathParam("checkpointId") UUID checkpointId,
            @RestQuery MultivaluedMap<String, String> query,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body);

    @DELETE
    @Path("/{threadId}")
    Uni<Response> deleteThread(@BeanParam DownstreamHeaders headers, @PathParam("threadId") UUID threadId,
            @RestQuery MultivaluedMap<String, String> query);
}
