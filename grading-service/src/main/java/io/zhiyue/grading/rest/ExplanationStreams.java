package io.zhiyue.grading.rest;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.llm.ExplanationEvent;
import io.zhiyue.grading.llm.Explanations;
import io.zhiyue.grading.repository.LlmRepository.Explained;
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

    private record Target(UUID submissionId, Explained explained) {
    }

    /** The explanation of the submission {@code submission} names, once it has named one. */
    RestMulti<byte[]> of(String tenant, Uni<UUID> submission) {
        return RestMulti.fromUniResponse(
                submission.chain(id -> explanations.find(tenant, id).map(explained -> new Target(id, explained))),
                target -> explanations.stream(tenant, target.submissionId(), target.explained())
                        .map(ExplanationStreams::frame),
                target -> EVENT_STREAM, target -> 200);
    }

    /** One server-sent event: its type as the event name, the JSON as its data. */
    private static byte[] frame(ExplanationEvent event) {
        return ("event: " + event.type() + "\ndata: " + JsonCodec.write(event) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
