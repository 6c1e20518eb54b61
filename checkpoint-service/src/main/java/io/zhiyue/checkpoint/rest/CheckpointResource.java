package io.zhiyue.checkpoint.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.zhiyue.checkpoint.model.Checkpoint;
import io.zhiyue.checkpoint.model.CheckpointPage;
import io.zhiyue.checkpoint.model.CheckpointPut;
import io.zhiyue.checkpoint.service.CheckpointStore;
import io.zhiyue.checkpoint.service.Uuid7;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Checkpoints of a thread (a grading job) in a namespace; the internal API, routed for operators
 * by the gateway. Every call has {@value #BUDGET_SECONDS} s: a PostgreSQL that does not answer at
 * all (frozen, a dead peer) fails it with a 503 instead of holding the caller, and a save's three
 * tries under a held lock fit in it.
 */
@Path("/api/v1/checkpoints")
@Produces(MediaType.APPLICATION_JSON)
@Timeout(value = CheckpointResource.BUDGET_SECONDS, unit = ChronoUnit.SECONDS)
public class CheckpointResource {

    static final long BUDGET_SECONDS = 10;

    private static final int DEFAULT_PAGE = 50;
    private static final String METADATA_FILTER = "filter[metadata.";

    private final CheckpointStore store;

    CheckpointResource(CheckpointStore store) {
        this.store = store;
    }

    /** Idempotent: the same id twice stores one checkpoint (201 the first time, 200 after). */
    @PUT
    @Path("/{threadId}/{namespace}/{checkpointId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Put a checkpoint {state, metadata?, parentId?}; stored as a delta from its parent when smaller")
    public Uni<Response> put(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @PathParam("checkpointId") UUID checkpointId, CheckpointPut body) {
        return store.put(TenantHeaders.required(tenant), threadId, namespace, checkpointId, body).map(saved -> saved.created()
                ? Response.created(location(saved.checkpoint())).entity(saved.checkpoint()).build()
                : Response.ok(saved.checkpoint()).build());
    }

    @GET
    @Path("/{threadId}/{namespace}/latest")
    @Operation(summary = "The thread's newest checkpoint in the namespace, with its state")
    public Uni<Checkpoint> latest(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace) {
        return store.latest(TenantHeaders.required(tenant), threadId, namespace);
    }

    @GET
    @Path("/{threadId}/{namespace}/{checkpointId}")
    @Operation(summary = "One checkpoint with its state, rebuilt and checked against its hash")
    public Uni<Checkpoint> get(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @PathParam("checkpointId") UUID checkpointId) {
        return store.get(TenantHeaders.required(tenant), threadId, namespace, checkpointId);
    }

    @GET
    @Path("/{threadId}/{namespace}")
    @Operation(summary = "Checkpoints newest first, without states: page_size (1..200), cursor or before "
            + "(a checkpoint id), filter[metadata.<key>]=<value>")
    public Uni<CheckpointPage> list(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("threadId") UUID threadId, @PathParam("namespace") String namespace, @Context UriInfo uri) {
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        List<FieldError> errors = new ArrayList<>();
        ObjectNode metadata = JsonCodec.mapper().createObjectNode();
        int pageSize = DEFAULT_PAGE;
        UUID before = null;
        for (Map.Entry<String, List<String>> parameter : query.entrySet()) {
            String name = parameter.getKey();
            if (parameter.getValue().size() != 1) {
                errors.add(new FieldError(name, "must be given once"));
                continue;
            }
            String value = parameter.getValue().getFirst();
            if ("page_size".equals(name)) {
                pageSize = number(name, value, errors);
            } else if ("cursor".equals(name) || "before".equals(name)) {
                if (before != null) {
                    errors.add(new FieldError(name, "cursor and before do not mix"));
                }
                before = uuid(name, value, errors);
            } else if (name.startsWith(METADATA_FILTER) && name.endsWith("]") && name.length() > METADATA_FILTER.length() + 1) {
                metadata.put(name.substring(METADATA_FILTER.length(), name.length() - 1), value);
            } else {
                errors.add(new FieldError(name, "is not a parameter of this list"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid list parameters", errors);
        }
        return store.list(TenantHeaders.required(tenant), threadId, namespace, before, metadata, pageSize);
    }

    /** A new branch from a historic checkpoint: {@code {id?, metadata?}}; the id is made when left out. */
    @POST
    @Path("/{threadId}/{namespace}/{checkpointId}/fork")
    @Operation(summary = "Fork: a new checkpoint with the state of this one as its parent; history is not rewritten")
    public Uni<Response> fork(@HeaderParam(TenantHeaders.TENANT) String tenant, @PathParam("threadId") UUID threadId,
            @PathParam("namespace") String namespace, @PathParam("checkpointId") UUID checkpointId, byte[] body) {
        JsonNode request = body == null || body.length == 0 ? JsonCodec.mapper().createObjectNode() : read(body);
        JsonNode id = request.get("id");
        List<FieldError> errors = new ArrayList<>();
        UUID newId = id == null || id.isNull() ? Uuid7.next() : uuid("id", id.asText(), errors);
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid fork", errors);
        }
        return store.fork(TenantHeaders.required(tenant), threadId, namespace, checkpointId, newId, request.get("metadata"))
                .map(saved -> Response.status(saved.created() ? 201 : 200).location(location(saved.checkpoint()))
                        .entity(saved.checkpoint()).build());
    }

    @DELETE
    @Path("/{threadId}")
    @Operation(summary = "Delete every checkpoint of a thread, in every namespace")
    public Uni<Response> deleteThread(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @PathParam("threadId") UUID threadId) {
        return store.deleteThread(TenantHeaders.required(tenant), subject, threadId)
                .map(deleted -> Response.noContent().build());
    }

    private static URI location(Checkpoint checkpoint) {
        return URI.create("/api/v1/checkpoints/" + checkpoint.threadId() + "/" + checkpoint.namespace() + "/"
                + checkpoint.id());
    }

    private static JsonNode read(byte[] body) {
        try {
            JsonNode json = JsonCodec.mapper().readTree(body);
            if (json == null || !json.isObject()) {
                throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "the body must be a JSON object");
            }
            return json;
        } catch (java.io.IOException e) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "the body is not valid JSON");
        }
    }

    private static int number(String name, String value, List<FieldError> errors) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            errors.add(new FieldError(name, "must be a whole number"));
            return DEFAULT_PAGE;
        }
    }

    private static UUID uuid(String name, String value, List<FieldError> errors) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(name, "must be a checkpoint id (a UUID)"));
            return null;
        }
    }
}
