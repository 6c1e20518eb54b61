package io.zhiyue.streams.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.health.DependencyFailures;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How every service turns an error into RFC 9457 problem+json with a stable code, never a stack
 * trace: each service's {@code ProblemMapper} claims the exception types ({@code
 * @ServerExceptionMapper}) and hands them here, adding only what is its own. A value PostgreSQL
 * cannot store is the caller's 400; a refusal that may pass (lock or statement timeout,
 * serialization failure, lost connection) and a dependency that did not answer are a 503 with
 * {@code Retry-After}; anything else is a 500 that names a request id to quote.
 */
public final class Problems {


    private static final String RETRY_AFTER_SECONDS = "2";
    /** lock_not_available, query_canceled (statement timeout), serialization_failure, deadlock_detected, admin/crash shutdown. */
    private static final Set<String> TRANSIENT_SQL_STATES = Set.of("55P03", "57014", "40001", "40P01", "57P01", "57P02",
            "57P03");

    private Problems() {
    }

    public static Response zhiyue(ZhiyueException e, HttpServerRequest request) {
        return problem(e.code(), e.getMessage(), e.errors(), request);
    }

    public static Response json(JsonProcessingException e, HttpServerRequest request) {
        JsonParseException malformed = malformed(e);
        String field = malformed == null && e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? mapping.getPath().stream()
                        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                        .collect(Collectors.joining(".")).replace(".[", "[")
                : "body";
        // Jackson's own messages for mapping errors name Java classes; only parse errors are worth quoting.
        String message = malformed != null ? "is not valid JSON: " + malformed.getOriginalMessage()
                : "body".equals(field) ? "is not the JSON value expected here" : "has the wrong type or format";
        return problem(ErrorCode.VALIDATION_ERROR, field + " " + message, List.of(new Problem.FieldError(field, message)),
                request);
    }

    /** Broken JSON inside a list or record arrives wrapped in a mapping error that names a field; it is still broken JSON. */
    private static JsonParseException malformed(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonParseException parse) {
                return parse;
            }
        }
        return null;
    }

    public static Response web(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return json(json, request);
        }
        ErrorCode code = switch (status) {
            case 401 -> ErrorCode.AUTHENTICATION_ERROR;
            case 403 -> ErrorCode.AUTHORIZATION_ERROR;
            case 404 -> ErrorCode.RECORD_NOT_FOUND;
            case 409 -> ErrorCode.ILLEGAL_STATE;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.DEPENDENCY_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_ERROR;
        };
        String detail = status == 404 ? "no such resource: " + request.path() : e.getMessage();
        // the body states the real status (405, 406, …) and keeps the original response's headers
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = code.status() == status || known == null ? code.title() : known.getReasonPhrase();
        Problem body = new Problem(code.type(), title, status, detail, code.name(), request.path(), requestId(request), null);
        Response.ResponseBuilder response = Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
        e.getResponse().getStringHeaders().forEach((name, values) -> {
            if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) && !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                values.forEach(value -> response.header(name, value));
            }
        });
        return response.build();
    }

    /**
     * SQLSTATE class 22 (data exception: a value too long, out of range or with a character text
     * cannot hold) is caused by the request's values, so it is the caller's 400, not our 500.
     */
    public static Response database(PgException e, HttpServerRequest request) {
        if (e.getSqlState() != null && e.getSqlState().startsWith("22")) {
            Log.warnf("rejected a value PostgreSQL cannot store on %s %s: %s", request.method(), request.path(),
                    e.getErrorMessage());
            return problem(ErrorCode.VALIDATION_ERROR, "a value in the request is out of range or contains characters"
                    + " that cannot be stored", List.of(new Problem.FieldError("body", "cannot be stored")), request);
        }
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        if (isTransient(e)) {
            // a lock or statement timeout, a serialization failure or deadlock victim, a lost connection, the
            // server short of resources: nothing was changed, the same call can be retried
            Log.warnf("%s %s: PostgreSQL refused for now (%s %s)", request.method(), request.path(), state,
                    e.getErrorMessage());
            return problem(ErrorCode.DEPENDENCY_UNAVAILABLE,
                    "PostgreSQL could not take the request now (nothing was changed); try again shortly",
                    List.of(), request);
        }
        return unexpected(e, request);
    }

    /**
     * A lock or statement timeout, a serialization failure or deadlock victim, a lost connection, the server short of
     * resources: nothing was changed, and the same statement may succeed when tried again.
     */
    public static boolean isTransient(PgException e) {
        String state = e.getSqlState() == null ? "" : e.getSqlState();
        return TRANSIENT_SQL_STATES.contains(state) || state.startsWith("08") || state.startsWith("53");
    }

    public static Response unexpected(Throwable e, HttpServerRequest request) {
        if (DependencyFailures.isUnavailable(e)) {
            // PostgreSQL or Redis did not answer within the request's budget: fail fast, retry later
            Log.warnf("%s %s: a dependency is unavailable: %s", request.method(), request.path(), e.toString());
            return problem(ErrorCode.DEPENDENCY_UNAVAILABLE, "a database this service depends on did not answer in "
                    + "time; try again shortly", List.of(), request);
        }
        String requestId = requestId(request);
        Log.errorf(e, "unexpected error on %s %s (requestId %s)", request.method(), request.path(), requestId);
        return problem(ErrorCode.INTERNAL_ERROR, "an unexpected error occurred; quote requestId " + requestId,
                List.of(), request);
    }

    public static Response problem(ErrorCode code, String detail, List<Problem.FieldError> errors,
            HttpServerRequest request) {
        Problem body = Problem.of(code, detail, request.path(), requestId(request), errors);
        Response.ResponseBuilder response = Response.status(code.status()).type(Problem.MEDIA_TYPE).entity(body);
        if (code == ErrorCode.DEPENDENCY_UNAVAILABLE) {
            response.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return response.build();
    }

    /**
     * A refusal answered by a Vert.x route before any resource runs (RequestLimits, TenantWall). The connection is
     * closed: the request's body, if any, was never read.
     */
    public static void refuse(RoutingContext context, ErrorCode code, String detail) {
        Problem problem = Problem.of(code, detail, context.request().path(), requestId(context.request()), null);
        context.response().setStatusCode(code.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader("Connection", "close")
                .end(JsonCodec.write(problem));
    }

    public static String requestId(HttpServerRequest request) {
        return TenantHeaders.requestIdOrNew(request.getHeader(TenantHeaders.REQUEST_ID));
    }
}
