package io.zhiyue.tracing.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.api.QueryString;
import io.zhiyue.tracing.query.TraceQueries;
import io.zhiyue.tracing.query.TraceViews.Trace;
import io.zhiyue.tracing.query.TraceViews.TraceSummary;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Trace queries (platform data; operators reach them through the gateway). */
@Path("/api/v1/traces")
@Produces(MediaType.APPLICATION_JSON)
public class TraceResource {

    private final TraceQueries traces;

    TraceResource(TraceQueries traces) {
        this.traces = traces;
    }

    @GET
    @Operation(summary = "Traces, newest first: {items, page, pageSize, total, nextCursor}; filter[service], "
            + "filter[operation], min_duration_ms, from, to (ISO-8601; the last hour by default), page, page_size "
            + "(≤ 200), cursor")
    public Uni<PageResponse<TraceSummary>> list(@Context UriInfo uri) {
        return traces.list(QueryString.parse(uri.getRequestUri().getRawQuery()));
    }

    @GET
    @Path("/{traceId}")
    @Operation(summary = "A trace as its span tree: per span its service, name, kind, duration, status, attributes, "
            + "events and children")
    public Uni<Trace> trace(@PathParam("traceId") String traceId) {
        return traces.trace(traceId);
    }
}
