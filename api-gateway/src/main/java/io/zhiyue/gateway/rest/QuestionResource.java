package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.GradingClient;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Rubric versions and marking settings of a question. */
@Path("/api/v1/questions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "questions")
public class QuestionResource {

    private final GradingClient grading;
    private final CallerContext caller;
    private final ResponseRelay relay;

    QuestionResource(GradingClient grading, CallerContext caller, ResponseRelay relay) {
        this.grading = grading;
        this.caller = caller;
        this.relay = relay;
    }

    @Access(value = RouteClass.WRITES, audience = Audience.STAFF)
    @PUT
    @Path("/{questionId}/rubric")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the rubric; creates a new rubric version")
    public Uni<Response> replaceRubric(@PathParam("questionId") String questionId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.replaceRubric(caller.caller(), questionId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @Access(value = RouteClass.WRITES, audience = Audience.STAFF)
    @PUT
    @Path("/{questionId}/marking/auto-accept")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Turn auto-accept of confident AI proposals on or off for the question ({\"enabled\": true})")
    public Uni<Response> setAutoAccept(@PathParam("questionId") String questionId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return relay.relay(grading.setAutoAccept(caller.caller(), questionId, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }

    @GET
    @Path("/{questionId}/answer-groups")
    @Operation(summary = "Groups of identical answers (after normalisation), biggest first, each a stored snapshot "
            + "with a representative, size and proposal")
    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    public Uni<Response> listAnswerGroups(@PathParam("questionId") String questionId, @Context UriInfo uri) {
        return relay.relay(grading.listAnswerGroups(caller.caller(), questionId, ForwardedQuery.of(uri)));
    }

    @POST
    @Path("/{questionId}/embeddings")
    @Operation(summary = "Embed the question's answers that have no stored embedding yet (the exemplar grader's "
            + "first stage): {answers, distinct, embeddedNow, reused, model, embedSeconds, embeddedPerSecond}")
    @Access(value = RouteClass.WRITES, audience = Audience.STAFF)
    public Uni<Response> embedAnswers(@PathParam("questionId") String questionId, @Context UriInfo uri) {
        return relay.relaySlow(grading.embedAnswers(caller.caller(), questionId, ForwardedQuery.of(uri)));
    }

    @GET
    @Path("/{questionId}/exemplar-suggestions")
    @Operation(summary = "What to mark first: the answers whose teacher marks teach the exemplar grader most "
            + "(medoids of the unmarked answers' embeddings), ?count=N (1..200, default 10)")
    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    public Uni<Response> exemplarSuggestions(@PathParam("questionId") String questionId, @Context UriInfo uri) {
        return relay.relaySlow(grading.exemplarSuggestions(caller.caller(), questionId, ForwardedQuery.of(uri)));
    }
}
