package io.zhiyue.gateway.security;

import io.zhiyue.gateway.ratelimit.RateDecision;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem;
import jakarta.ws.rs.core.Response;

/** The 429 a caller past its limits gets, the same for a REST route and a /ws upgrade. */
final class RateLimitedProblem {

    private RateLimitedProblem() {
    }

    static Problem body(RateDecision decision, String path, String requestId) {
        String which = decision.nearestLimit().map(policy -> policy.name() + " ").orElse("");
        return Problem.of(ErrorCode.RATE_LIMITED, "too many " + decision.routeClass().key() + " requests for this "
                + which + "limit; retry after " + decision.retryAfterSeconds() + " s", path, requestId, null);
    }

    static Response response(RateDecision decision, String path, String requestId) {
        Response.ResponseBuilder response = Response
                .status(ErrorCode.RATE_LIMITED.status()).type(Problem.MEDIA_TYPE).entity(body(decision, path, requestId));
        decision.headers().forEach(response::header);
        return response.build();
    }
}
