package io.zhiyue.cache.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.saga.SagaCommand;
import io.zhiyue.streams.outbox.OutboxEvents;
import io.zhiyue.streams.saga.SagaParticipant;
import io.zhiyue.streams.saga.SagaStep;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;

/**
 * cache-service's step of the score-override saga (participant {@value #PARTICIPANT}, step {@code invalidate-cache}):
 * the overridden answer's AI result leaves every layer of the result cache (PostgreSQL, Redis, every instance's
 * memory), so it is never reused for an identical answer. The address comes from grading-service's step (the
 * result's reuse address; none when the answer took no part in reuse). The job read model holds no score, so an
 * override leaves it as it is.
 *
 * <p>Compensation puts nothing back: a result missing from the cache is graded again the next time an identical
 * answer comes, so leaving it out is never wrong, while putting back the proposal the teacher just rejected
 * would only be right if the override was wrong.
 */
@ApplicationScoped
public class ResultInvalidationStep implements SagaStep {

    public static final String PARTICIPANT = "cache-service";

    private final ResultCache results;

    public ResultInvalidationStep(ResultCache results) {
        this.results = results;
    }

    void serve(@Observes StartupEvent event, SagaParticipant participant) {
        participant.serve(PARTICIPANT, Map.of("invalidate-cache", this));
    }

    @Override
    public Uni<JsonNode> forward(SqlConnection tx, OutboxEvents events, SagaCommand command) {
        JsonNode scored = command.data().path("results").path("override-score");
        String questionVersion = scored.path("reuseVersion").asText(null);
        String key = scored.path("reuseKey").asText(null);
        if (questionVersion == null || key == null) {
            return Uni.createFrom().item(JsonCodec.mapper().createObjectNode().put("invalidated", false));
        }
        return results.invalidate(command.tenantId(), questionVersion, key)
                .replaceWith(JsonCodec.mapper().createObjectNode().put("invalidated", true));
    }

    @Override
    public Uni<JsonNode> compensate(SqlConnection tx, OutboxEvents events, SagaCommand command) {
        return Uni.createFrom().item(JsonCodec.mapper().createObjectNode().put("restored", false));
    }
}
