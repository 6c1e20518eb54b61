package io.zhiyue.checkpoint.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.pgclient.PgException;
import io.zhiyue.checkpoint.store.CheckpointCorruptException;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.streams.http.Problems;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/** Errors as RFC 9457 problem+json with a stable code ({@link Problems}); never a stack trace. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response zhiyue(ZhiyueException e, HttpServerRequest request) {
        return Problems.zhiyue(e, request);
    }

    /** Names the checkpoint that cannot be trusted; never an empty or partial state in its place. */
    @ServerExceptionMapper
    public Response corrupt(CheckpointCorruptException e, HttpServerRequest request) {
        Log.errorf("checkpoint %s is corrupt: %s", e.checkpointId(), e.reason());
        return Problems.problem(ErrorCode.CHECKPOINT_CORRUPT, "checkpoint " + e.checkpointId() + " is corrupt: "
                + e.reason(), List.of(new Problem.FieldError("checkpointId", e.checkpointId().toString())), request);
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
