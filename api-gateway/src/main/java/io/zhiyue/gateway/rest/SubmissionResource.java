package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.client.GradingStreams;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.UUID;

/**
 * A submission's LLM explanation: grading-service's server-sent events relayed chunk by chunk as
 * they arrive (no @Produces: the events are already framed, and the type comes from downstream).
 * A client that goes away resets the call to grading-service, which cancels its call to the
 * provider; a slow client is read from no faster than it reads, so nothing piles up here.
 */
@Path("/api/v1/submissions")
@Tag(name = "marking")
public class SubmissionResource {

    private final CallerContext caller;
    private final ResponseRelay relay;
    private final GradingStreams streams;

    SubmissionResource(CallerContext caller, ResponseRelay relay, GradingStreams streams) {
        this.caller = caller;
        this.relay = relay;
        this.streams = streams;
    }

    @GET
    @Path("/{submissionId}/explanation")
    @Operation(summary = "The LLM's explanation of the submission's latest proposal, streamed as server-sent "
            + "events (text/event-stream): token events as the model writes, then done (or error)")
    public RestMulti<byte[]> explanation(@PathParam("submissionId") UUID submissionId) {
        return relay.relayStream(streams.openExplanation(caller.caller(), submissionId));
    }
}
