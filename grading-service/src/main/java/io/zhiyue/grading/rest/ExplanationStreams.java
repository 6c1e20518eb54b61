package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.llm.ExplanationEvent;
import io.zhiyue.grading.llm.Explanations;
import io.zhiyue.grading.llm.ExplanationTarget;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestMulti;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A submission's LLM explanation as server-sent events, framed here rather than by the SSE writer, so that a refusal
 * before the stream (no LLM, nothing to explain, a blind review item) is an ordinary problem+json answer: the SSE
 * writer would have sent its headers already.
 */
@ApplicationScoped
class ExplanationStreams {

    private static final Map<String, List<String>> EVENT_STREAM = Map.of(HttpHeaders.CONTENT_TYPE,
            List.of(MediaType.SERVER_SENT_EVENTS + ";charset=UTF-8"), HttpHeaders.CACHE_CONTROL, List.of("no-cache"));

    private final Explanations explanations;

    ExplanationStreams(Explanations explanations) {
        this.explanations = explanations;
    }

    /** A submission's explanation. */
    RestMulti<byte[]> of(String tenant, UUID submissionId) {
        return of(tenant, explanations.find(tenant, submissionId)
                .map(explained -> new ExplanationTarget(submissionId, explained)));
    }

    /** The explanation of what {@code target} names, once it has named it (a refusal is a problem answer). */
    RestMulti<byte[]> of(String tenant, Uni<ExplanationTarget> target) {
        return RestMulti.fromUniResponse(target,
                found -> explanations.stream(tenant, found.submissionId(), found.explained())
                        .map(ExplanationStreams::frame),
                found -> EVENT_STREAM, found -> 200);
    }

    /** One server-sent event: its type as the event name, the JSON as its data. */
    private static byte[] frame(ExplanationEvent event) {
        return ("event: " + event.type() + "\ndata: " + JsonCodec.write(event) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
