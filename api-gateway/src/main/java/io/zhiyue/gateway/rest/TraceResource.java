package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.TraceClient;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.trace.TraceIds;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operator routes to tracing-service: the stored traces (platform data) and one as its span tree. A trace id that
 * is not 32 lower-case hex digits (W3C) is a 404 here and goes nowhere.
 */
@Path("/api/v1/traces")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "traces")
public class TraceResource {

    private final TraceClient traces;
    private final CallerContext caller;
    private final ResponseRelay relay;

    TraceResource(TraceClient traces, CallerContext caller, ResponseRelay relay) {
        this.traces = traces;
        this.caller = caller;
        this.relay = relay;
    }

    @GET
    @Operation(summary = "Traces, newest first: {items, page, pageSize, total, nextCursor}; filter[service], "
            + "filter[operation], min_duration_ms, from, to (ISO-8601; the last hour by default), page, page_size "
            + "(≤ 200), cursor")
    @Access(value = RouteClass.READS, audience = Audience.PLATFORM)
    public Uni<Response> list(@Context UriInfo uri) {
        return relay.relay(traces.list(caller.caller(), ForwardedQuery.of(uri)), ResponseRelay.TRACING);
    }

    @GET
    @Path("/{traceId}")
    @Operation(summary = "A trace as its span tree: per span its service, name, kind, duration, status, attributes, "
            + "events and children")
    @Access(value = RouteClass.READS, audience = Audience.PLATFORM)
    public Uni<Response> get(@PathParam("traceId") String traceId, @Context UriInfo uri) {
        if (!TraceIds.isTraceId(traceId)) {
            throw ZhiyueException.notFound("trace", traceId);
        }
        return relay.relay(traces.get(caller.caller(), traceId, ForwardedQuery.of(uri)), ResponseRelay.TRACING);
    }
}
