package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.ReviewItem;
import io.zhiyue.grading.model.ReviewItem.MarkRequest;
import io.zhiyue.grading.service.MarkerIdentity;
import io.zhiyue.grading.service.ReviewService;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** People's marks on review items. */
@Timeout(value = RequestBudget.READ_SECONDS, unit = ChronoUnit.SECONDS)
@Path("/api/v1/review-items")
@Produces(MediaType.APPLICATION_JSON)
public class ReviewItemResource {

    private final ReviewService reviews;

    public ReviewItemResource(ReviewService reviews) {
        this.reviews = reviews;
    }

    /**
     * Body {@code {score, markerId, chief?, reason?}} ({@code markerId} and {@code chief} are the gateway's
     * subject and roles when it names the caller, see {@link MarkerIdentity}); answers the item as that marker may
     * now see it (with the {@code sagaId} of the score-override saga when the mark changed a COMPLETED job's score).
     */
    @POST
    @Path("/{itemId}/marks")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ReviewItem> mark(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @HeaderParam(TenantHeaders.ROLES) String roles,
            @PathParam("itemId") UUID itemId, MarkRequest body) {
        return reviews.mark(TenantHeaders.required(tenant), itemId, body, MarkerIdentity.of(subject, roles));
    }
}
