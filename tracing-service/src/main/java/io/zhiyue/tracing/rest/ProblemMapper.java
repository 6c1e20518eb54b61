package io.zhiyue.tracing.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.pgclient.PgException;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.streams.http.Problems;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The query API's errors as RFC 9457 problem+json with a stable code ({@link Problems}); never a stack trace. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response zhiyue(ZhiyueException e, HttpServerRequest request) {
        return Problems.zhiyue(e, request);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, HttpServerRequest request) {
        return Problems.json(e, request);
    }

    /** Quarkus REST maps this subtype itself (plain JSON, or no body at all) unless we claim it. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, HttpServerRequest request) {
        return Problems.json(e, request);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        return Problems.web(e, request);
    }

    @ServerExceptionMapper
    public Response database(PgException e, HttpServerRequest request) {
        return Problems.database(e, request);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        return Problems.unexpected(e, request);
    }
}
