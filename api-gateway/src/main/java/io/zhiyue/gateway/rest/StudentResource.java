package io.zhiyue.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.GradingClient;
import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.Identity;
import io.zhiyue.gateway.security.Role;
import io.zhiyue.gateway.security.RouteClass;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
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

/** What a student may see: their own results of released exams. */
@Path("/api/v1/students")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "students")
public class StudentResource {

    private final GradingClient grading;
    private final CallerContext caller;
    private final ResponseRelay relay;

    StudentResource(GradingClient grading, CallerContext caller, ResponseRelay relay) {
        this.grading = grading;
        this.caller = caller;
        this.relay = relay;
    }

    @Access(value = RouteClass.READS, audience = Audience.STUDENTS)
    @GET
    @Path("/{studentId}/results")
    @Operation(summary = "A student's final scores of released exams; a student sees only their own")
    public Uni<Response> results(@PathParam("studentId") String studentId, @Context UriInfo uri) {
        Identity identity = caller.identity().orElseThrow();
        if (!Audience.STAFF.admits(identity) && identity.has(Role.STUDENT) && !identity.subject().equals(studentId)) {
            throw new ZhiyueException(ErrorCode.AUTHORIZATION_ERROR, "a student sees only their own results");
        }
        return relay.relay(grading.studentResults(caller.caller(), studentId, ForwardedQuery.of(uri)));
    }
}
