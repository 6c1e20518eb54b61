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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What a student may see: their own results of released exams; and a student's erasure (admins). */
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

    @Access(value = RouteClass.WRITES, audience = Audience.OPERATORS)
    @POST
    @Path("/{studentId}/erasure")
    @Operation(summary = "Erase a student in every service (README \"Data lifecycle\"): their answers, marks, results, "
            + "cached entries, checkpoint states, LLM audit records, live history and trace attributes; 202 with the "
            + "erasure record (who, when, which exams; nothing personal), Location /api/v1/deletions/{id}, "
            + "COMPLETED once every service has confirmed (a service that is down confirms when it is back)")
    public Uni<Response> erase(@PathParam("studentId") String studentId, @Context UriInfo uri) {
        return relay.relay(grading.eraseStudent(caller.caller(), studentId, ForwardedQuery.of(uri)));
    }
}
