package io.zhiyue.cache.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.zhiyue.cache.model.ResultEntry;
import io.zhiyue.cache.model.ResultHits;
import io.zhiyue.cache.model.ResultRef;
import io.zhiyue.cache.model.ResultVersions;
import io.zhiyue.cache.service.ResultCache;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The result cache, for grading-service's AI workers (internal: the tenant comes from the gateway's header). A
 * lookup answers {@code X-Cache-Source} with the deepest layer it had to ask: {@code local}, {@code redis} or
 * {@code postgres}.
 */
@Path("/api/v1/cache/results")
@Produces(MediaType.APPLICATION_JSON)
public class ResultCacheResource {

    public static final String CACHE_SOURCE = "X-Cache-Source";

    private final ResultCache results;

    ResultCacheResource(ResultCache results) {
        this.results = results;
    }

    @POST
    @Path("/lookup")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Look up a batch {entries: [{questionVersion, key}]} (1..1000) in one call; answers the hits")
    @RequestBody(content = @Content(schema = @Schema(implementation = LookupBody.class)))
    public Uni<Response> lookup(@HeaderParam(TenantHeaders.TENANT) String tenant, byte[] body) {
        List<ResultRef> refs = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        JsonNode entries = entries(body);
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String at = "entries[" + i + "]";
            if (!entry.isObject()) {
                errors.add(new FieldError(at, "must be an object {questionVersion, key}"));
                continue;
            }
            refs.add(new ResultRef(text(entry, "questionVersion"), text(entry, "key")));
        }
        throwIfAny(errors);
        return results.lookup(TenantHeaders.required(tenant), refs).map(found -> Response.ok(found.hits())
                .header(CACHE_SOURCE, found.deepest().label()).build());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Store a batch {entries: [{questionVersion, key, value}]} (1..1000, value a JSON object): "
            + "PostgreSQL, then Redis and every instance told; answers each entry's new version")
    @RequestBody(content = @Content(schema = @Schema(implementation = PutBody.class)))
    public Uni<ResultVersions> put(@HeaderParam(TenantHeaders.TENANT) String tenant, byte[] body) {
        List<ResultEntry> toStore = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        JsonNode entries = entries(body);
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            if (!entry.isObject()) {
                errors.add(new FieldError("entries[" + i + "]", "must be an object {questionVersion, key, value}"));
                continue;
            }
            toStore.add(new ResultEntry(text(entry, "questionVersion"), text(entry, "key"), entry.get("value")));
        }
        throwIfAny(errors);
        return results.put(TenantHeaders.required(tenant), toStore);
    }

    @DELETE
    @Path("/{questionVersion}/{key}")
    @Operation(summary = "Invalidate one entry: gone from PostgreSQL, Redis and every instance's memory")
    public Uni<Response> invalidate(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("questionVersion") String questionVersion, @PathParam("key") String key) {
        return results.invalidate(TenantHeaders.required(tenant), questionVersion, key)
                .map(done -> Response.noContent().build());
    }

    @DELETE
    @Path("/{questionVersion}")
    @Operation(summary = "Invalidate every entry of a question version, in every layer and instance")
    public Uni<Response> invalidateQuestionVersion(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("questionVersion") String questionVersion) {
        return results.invalidateQuestionVersion(TenantHeaders.required(tenant), questionVersion)
                .map(done -> Response.noContent().build());
    }

    /** The body's {@code entries} array, read with the codec reads use (exact numbers in values). */
    private static JsonNode entries(byte[] body) {
        if (body == null || body.length == 0) {
            throw ZhiyueException.validation("body", "is required: {\"entries\": [...]}");
        }
        JsonNode json;
        try {
            json = JsonCodec.mapper().readTree(body);
        } catch (IOException e) {
            throw ZhiyueException.validation("body", "is not valid JSON");
        }
        JsonNode entries = json == null ? null : json.get("entries");
        if (entries == null || !entries.isArray()) {
            throw ZhiyueException.validation("entries", "must be an array");
        }
        return entries;
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid result cache request", errors);
        }
    }

    /** The lookup body, for the OpenAPI document. */
    record LookupBody(List<ResultRef> entries) {
    }

    /** The put body, for the OpenAPI document. */
    record PutBody(List<ResultEntry> entries) {
    }
}
