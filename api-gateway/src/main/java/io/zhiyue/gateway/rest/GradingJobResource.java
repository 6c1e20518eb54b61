package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Access;
import io.zhiyue.gateway.security.Audience;
import io.zhiyue.gateway.security.RouteClass;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.client.CacheClient;
import io.zhiyue.gateway.client.Caller;
import io.zhiyue.gateway.client.DownstreamResponse;
import io.zhiyue.gateway.client.GradingClient;
import io.zhiyue.gateway.client.GradingStreams;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Grading jobs: state machine commands, progress, results, export and statistics. */
@Path(GradingJobResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "grading-jobs")
public class GradingJobResource {

    public static final String PATH = "/api/v1/grading-jobs";

    private static final String MIN_VERSION = "minVersion";
    /** Which service answered a job read: {@code cache-service} (its read model) or {@code grading-service}. */
    public static final String SOURCE = "X-ZhiYue-Source";

    private final GradingClient grading;
    private final CacheClient cache;
    private final CallerContext caller;
    private final ResponseRelay relay;
    private final GradingStreams export;
    private final Counter fromReadModel;
    private final Counter fromGrading;

    GradingJobResource(GradingClient grading, CacheClient cache, CallerContext caller, ResponseRelay relay,
            GradingStreams export, MeterRegistry registry) {
        this.grading = grading;
        this.cache = cache;
        this.caller = caller;
        this.relay = relay;
        this.export = export;
        this.fromReadModel = Counter.builder("zhiyue.gateway.job.reads").tag("source", "read-model")
                .description("GET /grading-jobs/{id} answered by cache-service's read model").register(registry);
        this.fromGrading = Counter.builder("zhiyue.gateway.job.reads").tag("source", "grading-service")
                .description("GET /grading-jobs/{id} answered by grading-service").register(registry);
    }

    @Access(value = RouteClass.JOB_CONTROLS, audience = Audience.STAFF)
    @POST
    @Path("/{jobId}/start")
    @Operation(summary = "Start a job: CREATED → ANALYZED → SPLIT_COMPLETE → EXECUTING; 409 when illegal")
    public Uni<Response> start(@PathParam("jobId") String jobId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return action(jobId, "start", contentType, body, uri);
    }

    @Access(value = RouteClass.JOB_CONTROLS, audience = Audience.STAFF)
    @POST
    @Path("/{jobId}/pause")
    @Operation(summary = "Pause an EXECUTING job; 409 when illegal")
    public Uni<Response> pause(@PathParam("jobId") String jobId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return action(jobId, "pause", contentType, body, uri);
    }

    @Access(value = RouteClass.JOB_CONTROLS, audience = Audience.STAFF)
    @POST
    @Path("/{jobId}/resume")
    @Operation(summary = "Resume a PAUSED job; 409 when illegal")
    public Uni<Response> resume(@PathParam("jobId") String jobId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return action(jobId, "resume", contentType, body, uri);
    }

    @Access(value = RouteClass.JOB_CONTROLS, audience = Audience.STAFF)
    @POST
    @Path("/{jobId}/cancel")
    @Operation(summary = "Cancel a job that is not final; 409 when illegal")
    public Uni<Response> cancel(@PathParam("jobId") String jobId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body, @Context UriInfo uri) {
        return action(jobId, "cancel", contentType, body, uri);
    }

    @GET
    @Path("/{jobId}")
    @Operation(summary = "Job state, per-stage ready flags, counters, percent, timings and version",
            description = "Answered from cache-service's read model when it has the job (with minVersion: at "
                    + "least that version, which every job write answers), else from grading-service.")
    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    public Uni<Response> getJob(@PathParam("jobId") String jobId, @Context UriInfo uri) {
        MultivaluedMap<String, String> query = ForwardedQuery.of(uri);
        Long minVersion = minVersion(query.remove(MIN_VERSION));
        Caller who = caller.caller();
        Uni<DownstreamResponse> fromGradingService = Uni.createFrom().deferred(() -> {
            fromGrading.increment();
            return grading.getJob(who, jobId, query).map(answer -> from(answer, "grading-service"));
        });
        // the read model answers only a plain read it can answer in full; anything else goes to the source
        Uni<DownstreamResponse> read = !query.isEmpty() ? fromGradingService
                : cache.job(who, jobId, minVersion).onFailure().recoverWithNull().chain(answer -> {
                    if (answer != null && answer.status() == 200) {
                        fromReadModel.increment();
                        return Uni.createFrom().item(from(answer, "cache-service"));
                    }
                    return fromGradingService;
                });
        return relay.relay(read);
    }

    private static DownstreamResponse from(DownstreamResponse answer, String service) {
        Map<String, String> headers = new LinkedHashMap<>(answer.headers());
        headers.put(SOURCE, service);
        return new DownstreamResponse(answer.status(), headers, answer.body());
    }

    private static Long minVersion(List<String> given) {
        if (given == null) {
            return null;
        }
        try {
            long version = given.size() == 1 ? Long.parseLong(given.getFirst()) : 0;
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid query parameters",
                List.of(new Problem.FieldError(MIN_VERSION, "must be given once, as a whole number of at least 1")));
    }

    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    @GET
    @Path("/{jobId}/results")
    @Operation(summary = "Results of a job", description = ListQuery.DESCRIPTION)
    public Uni<Response> listResults(@PathParam("jobId") String jobId, @Context UriInfo uri) {
        return relay.relay(grading.listResults(caller.caller(), jobId, ForwardedQuery.of(uri)));
    }

    @GET
    @Path("/{jobId}/export")
    @Produces(ExamResource.TEXT_CSV)
    @Operation(summary = "Export results, streamed; format=csv gives one row per result "
            + "(student_id,question_number,score,max_score,...)")
    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    public RestMulti<byte[]> exportResults(@PathParam("jobId") UUID jobId, @Context UriInfo uri) {
        return relay.relayStream(export.open(caller.caller(), jobId, uri.getRequestUri().getRawQuery()));
    }

    @Access(value = RouteClass.READS, audience = Audience.STAFF)
    @GET
    @Path("/{jobId}/statistics")
    @Operation(summary = "Per question: count, mean, std dev, min, max, distribution")
    public Uni<Response> statistics(@PathParam("jobId") String jobId, @Context UriInfo uri) {
        return relay.relay(grading.statistics(caller.caller(), jobId, ForwardedQuery.of(uri)));
    }

    private Uni<Response> action(String jobId, String action, String contentType, byte[] body, UriInfo uri) {
        return relay.relaySlow(grading.jobAction(caller.caller(), jobId, action, ForwardedQuery.of(uri),
                ResponseRelay.jsonBody(contentType, body)));
    }
}
