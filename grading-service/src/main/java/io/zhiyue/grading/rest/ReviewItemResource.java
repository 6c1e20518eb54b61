package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.ReviewItem;
import io.zhiyue.grading.model.ReviewItem.MarkRequest;
import io.zhiyue.grading.repository.ExemplarRepository.MarkedAnswer;
import io.zhiyue.grading.service.MarkerIdentity;
import io.zhiyue.grading.service.ReviewItemContext;
import io.zhiyue.grading.service.ReviewService;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.jboss.resteasy.reactive.RestMulti;

import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** People's marks on review items, and what a marker sees beside an item that is not blind. */
@Path("/api/v1/review-items")
public class ReviewItemResource {

    private final ReviewService reviews;
    private final ReviewItemContext context;
    private final ExplanationStreams explanations;

    public ReviewItemResource(ReviewService reviews, ReviewItemContext context, ExplanationStreams explanations) {
        this.reviews = reviews;
        this.context = context;
        this.explanations = explanations;
    }

    /** The teacher-marked answers most like the item's, with their scores, most similar first; none when blind. */
    @GET
    @Path("/{itemId}/exemplars")
    @Produces(MediaType.APPLICATION_JSON)
    @Timeout(value = RequestBudget.READ_SECONDS, unit = ChronoUnit.SECONDS)
    public Uni<PageResponse<MarkedAnswer>> exemplars(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @HeaderParam(TenantHeaders.ROLES) String roles,
            @PathParam("itemId") UUID itemId) {
        return context.exemplars(TenantHeaders.required(tenant), itemId, MarkerIdentity.of(subject, roles))
                .map(list -> new PageResponse<>(list, 1, list.size(), list.size()));
    }

    /** The LLM's explanation of the item's proposal (server-sent events); 404 for a blind item. */
    @GET
    @Path("/{itemId}/explanation")
    // no @Produces: see ExplanationStreams
    public RestMulti<byte[]> explanation(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @HeaderParam(TenantHeaders.ROLES) String roles,
            @PathParam("itemId") UUID itemId) {
        String caller = TenantHeaders.required(tenant);
        return explanations.of(caller, context.explained(caller, itemId, MarkerIdentity.of(subject, roles)));
    }

    /**
     * Body {@code {score, markerId, chief?, reason?}} ({@code markerId} and {@code chief} are the gateway's
     * subject and roles when it names the caller, see {@link MarkerIdentity}); answers the item as that marker may
     * now see it (with the {@code sagaId} of the score-override saga when the mark changed a COMPLETED job's score).
     */
    @POST
    @Path("/{itemId}/marks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Timeout(value = RequestBudget.READ_SECONDS, unit = ChronoUnit.SECONDS)
    public Uni<ReviewItem> mark(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @HeaderParam(TenantHeaders.ROLES) String roles,
            @PathParam("itemId") UUID itemId, MarkRequest body) {
        return reviews.mark(TenantHeaders.required(tenant), itemId, body, MarkerIdentity.of(subject, roles));
    }
}
