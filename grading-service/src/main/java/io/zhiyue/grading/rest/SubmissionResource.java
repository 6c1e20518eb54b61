package io.zhiyue.grading.rest;

import io.zhiyue.grading.llm.ExplanationEvent;
import io.zhiyue.grading.llm.Explanations;
import io.zhiyue.grading.service.Tenant;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestMulti;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A submission's LLM explanation, streamed token by token. */
@Path("/api/v1/submissions")
public class SubmissionResource {

    private final Explanations explanations;

    SubmissionResource(Explanations explanations) {
        this.explanations = explanations;
    }

    @GET
    @Path("/{submissionId}/explanation")
    // no @Produces: framed here, not by the SSE writer, so a refusal before the stream is an ordinary
    // problem+json answer (the SSE writer would have sent its headers already)
    @Operation(summary = "The LLM's explanation of the submission's latest proposal, as server-sent events "
            + "(text/event-stream): token events as the model writes, then done (or error)")
    public RestMulti<byte[]> explanation(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @PathParam("submissionId") UUID submissionId) {
        String caller = Tenant.of(tenant);
        return RestMulti.fromUniResponse(explanations.find(caller, submissionId),
                explained -> explanations.stream(caller, submissionId, explained).map(SubmissionResource::frame),
                explained -> EVENT_STREAM, explained -> 200);
    }

    private static final Map<String, List<String>> EVENT_STREAM = Map.of(HttpHeaders.CONTENT_TYPE,
            List.of(MediaType.SERVER_SENT_EVENTS + ";charset=UTF-8"), HttpHeaders.CACHE_CONTROL, List.of("no-cache"));

    /** One server-sent event: its type as the event name, the JSON as its data. */
    private static byte[] frame(ExplanationEvent event) {
        return ("event: " + event.type() + "\ndata: " + JsonCodec.write(event) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
