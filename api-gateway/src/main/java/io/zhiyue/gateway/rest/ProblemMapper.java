package io.zhiyue.gateway.rest;

import io.quarkus.logging.Log;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/**
 * The gateway's one exception mapper: its own errors become problem+json with a stable code and
 * never a stack trace. Downstream answers do not pass through here; they are relayed as they are.
 */
public class ProblemMapper {

    private final GatewayConfig config;

    ProblemMapper(GatewayConfig config) {
        this.config = config;
    }

    @ServerExceptionMapper
    public Response mapZhiyue(ZhiyueException e, ContainerRequestContext request) {
        return problem(e.code(), e.getMessage(), e.errors(), request);
    }

    @ServerExceptionMapper
    public Response mapWebApplication(WebApplicationException e, ContainerRequestContext request) {
        int status = e.getResponse().getStatus();
        ErrorCode code = switch (status) {
            case 401 -> ErrorCode.AUTHENTICATION_ERROR;
            case 403 -> ErrorCode.AUTHORIZATION_ERROR;
            case 404 -> ErrorCode.RECORD_NOT_FOUND;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.DEPENDENCY_UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_ERROR;
        };
        if (status >= 500) {
            Log.errorf(e, "request %s failed", request.getUriInfo().getPath());
            return problem(code, null, List.of(), request);
        }
        String detail = status == 405
                ? request.getMethod() + " is not supported on " + request.getUriInfo().getPath()
                : e.getMessage();
        return problem(code, detail, List.of(), request, status);
    }

    @ServerExceptionMapper
    public Response mapUnexpected(Throwable e, ContainerRequestContext request) {
        if (DependencyFailures.isUnavailable(e)) {
            Log.warnf("grading-service unavailable for %s %s: %s", request.getMethod(),
                    request.getUriInfo().getPath(), e.toString());
            return problem(ErrorCode.DEPENDENCY_UNAVAILABLE, "grading-service is unavailable, try again shortly",
                    List.of(), request);
        }
        Log.errorf(e, "request %s %s failed", request.getMethod(), request.getUriInfo().getPath());
        return problem(ErrorCode.INTERNAL_ERROR, "unexpected error", List.of(), request);
    }

    private Response problem(ErrorCode code, String detail, List<Problem.FieldError> errors,
            ContainerRequestContext request) {
        return problem(code, detail, errors, request, code.status());
    }

    private Response problem(ErrorCode code, String detail, List<Problem.FieldError> errors,
            ContainerRequestContext request, int status) {
        Object requestId = request.getProperty(GatewayRequestFilters.REQUEST_ID_PROPERTY);
        Problem body = Problem.of(code, detail, request.getUriInfo().getPath(),
                requestId == null ? null : requestId.toString(), errors);
        Response.ResponseBuilder response = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(status == body.status() ? body : withStatus(body, status));
        if (code == ErrorCode.DEPENDENCY_UNAVAILABLE || code == ErrorCode.RATE_LIMITED) {
            response.header(HttpHeaders.RETRY_AFTER, Integer.toString(config.dependencyRetryAfterSeconds()));
        }
        return response.build();
    }

    private static Problem withStatus(Problem problem, int status) {
        return new Problem(problem.type(), problem.title(), status, problem.detail(), problem.code(),
                problem.instance(), problem.requestId(), problem.errors());
    }
}
