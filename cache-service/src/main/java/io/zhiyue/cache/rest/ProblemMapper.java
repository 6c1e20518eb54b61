package io.zhiyue.cache.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.pgclient.PgException;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.health.DependencyFailures;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.Set;

/** Errors as RFC 9457 problem+json with a stable code; never a stack trace. */
public class ProblemMapper {

    /** lock_not_available, query_canceled (statement timeout), serialization_failure, deadlock_detected, admin/crash shutdown. */
    private static final Set<String> TRANSIENT_SQL_STATES = Set.of("55P03", "57014", "40001", "40P01", "57P01", "57P02",
            "57P03");

    @ServerExceptionMapper
    public Response zhiyue(ZhiyueException e, HttpServerRequest request) {
        return problem(e.code(), e.getMessage(), e.errors(), request);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, HttpServerRequest request) {
        return problem(ErrorCode.VALIDATION_ERROR, "the body is not the JSON expected here",
                List.of(new Problem.FieldError("body", "is not valid JSON of the expected shape")), request);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json, request);
        }
        int status = e.getResponse().getStatus();
        ErrorCode code = switch (status) {
            case 404 -> ErrorCode.RECORD_NOT_FOUND;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_ERROR;
        };
        Problem body = new Problem(code.type(), code.title(), status,
                status == 404 ? "no such resource: " + request.path() : e.getMessage(), code.name(), request.path(),
                requestId(request), null);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    /**
     * A value PostgreSQL cannot store (SQLSTATE 22xxx, e.g. a NUL character) is the caller's 400; a lock or
     * statement timeout, a serialization failure or a lost connection is a 503 to retry; other SQL errors are ours.
     */
    @ServerExceptionMapper
    public Response database(PgException e, HttpServerRequest request) {
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        if (state.startsWith("22")) {
            return problem(ErrorCode.VALIDATION_ERROR, "a value in the request cannot be stored: " + e.getErrorMessage(),
                    List.of(new Problem.FieldError("body", "cannot be stored")), request);
        }
        if (TRANSIENT_SQL_STATES.contains(state) || state.startsWith("08") || state.startsWith("53")) {
            Log.warnf("%s %s: PostgreSQL refused for now (%s %s)", request.method(), request.path(), state,
                    e.getErrorMessage());
            return problem(ErrorCode.DEPENDENCY_UNAVAILABLE, "PostgreSQL could not take the request now; try again shortly",
                    List.of(), request);
        }
        String requestId = requestId(request);
        Log.errorf(e, "database error on %s %s (requestId %s)", request.method(), request.path(), requestId);
        return problem(ErrorCode.INTERNAL_ERROR, "an unexpected error occurred; quote requestId " + requestId,
                List.of(), request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        if (DependencyFailures.isUnavailable(e)) {
            Log.warnf("%s %s: PostgreSQL is unavailable: %s", request.method(), request.path(), e.toString());
            return problem(ErrorCode.DEPENDENCY_UNAVAILABLE, "PostgreSQL did not answer in time; try again shortly",
                    List.of(), request);
        }
        String requestId = requestId(request);
        Log.errorf(e, "unexpected error on %s %s (requestId %s)", request.method(), request.path(), requestId);
        return problem(ErrorCode.INTERNAL_ERROR, "an unexpected error occurred; quote requestId " + requestId,
                List.of(), request);
    }

    private static Response problem(ErrorCode code, String detail, List<Problem.FieldError> errors,
            HttpServerRequest request) {
        Problem body = Problem.of(code, detail, request.path(), requestId(request), errors);
        Response.ResponseBuilder response = Response.status(code.status()).type(Problem.MEDIA_TYPE).entity(body);
        if (code == ErrorCode.DEPENDENCY_UNAVAILABLE) {
            response.header(HttpHeaders.RETRY_AFTER, "2");
        }
        return response.build();
    }

    private static String requestId(HttpServerRequest request) {
        return TenantHeaders.requestIdOrNew(request.getHeader(TenantHeaders.REQUEST_ID));
    }
}
