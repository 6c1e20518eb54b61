package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.AnswerGroup.MarkReport;
import io.zhiyue.grading.model.AnswerGroup.MarkRequest;
import io.zhiyue.grading.service.AnswerGroupService;
import io.zhiyue.grading.service.MarkerIdentity;
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

/**
 * One teacher mark for every member of a stored answer group (listed under
 * {@link QuestionAnswerGroupResource}). It writes a mark per member and resolves their open review
 * items one by one, so it has the budget of work that is more than a read.
 */
@Timeout(value = RequestBudget.SLOW_SECONDS, unit = ChronoUnit.SECONDS)
@Path("/api/v1/answer-groups")
@Produces(MediaType.APPLICATION_JSON)
public class AnswerGroupResource {

    private final AnswerGroupService groups;

    public AnswerGroupResource(AnswerGroupService groups) {
        this.groups = groups;
    }

    /**
     * Body {@code {score, markerId, comment?}} ({@code markerId}: the gateway's subject when it names the caller,
     * see {@link MarkerIdentity}); marks exactly the members of the stored group.
     */
    @POST
    @Path("/{groupId}/marks")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<MarkReport> mark(@HeaderParam(TenantHeaders.TENANT) String tenant,
            @HeaderParam(TenantHeaders.SUBJECT) String subject, @HeaderParam(TenantHeaders.ROLES) String roles,
            @PathParam("groupId") UUID groupId, MarkRequest body) {
        return groups.mark(TenantHeaders.required(tenant), groupId, body, MarkerIdentity.of(subject, roles));
    }
}
