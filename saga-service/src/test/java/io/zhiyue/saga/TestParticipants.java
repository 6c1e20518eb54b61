package io.zhiyue.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.saga.definition.SagaDefinition;
import io.zhiyue.saga.definition.StepDefinition;
import io.zhiyue.shared.saga.SagaCommand;
import io.zhiyue.streams.outbox.OutboxEvents;
import io.zhiyue.streams.saga.SagaParticipant;
import io.zhiyue.streams.saga.SagaStep;
import io.zhiyue.streams.saga.SagaStepRefused;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Three TEST participants served in the test application through shared-streams' {@link SagaParticipant}, and
 * the saga definition they make up: {@code alpha} and {@code beta} (compensable, 500 ms to answer) then
 * {@code gamma} (retriable, 3 attempts). Each step writes what it did to {@code test_writes}; the saga's data
 * scripts them: {@code fail: <step>} refuses a forward, {@code slow: {<step>: ms}} delays a forward inside its
 * transaction, {@code gammaFailures: n} refuses gamma's first n attempts, and {@code brokenCompensations: true}
 * has its compensations refused until the saga is in {@link #MENDED} (scripted from the start: a saga can run
 * to its compensation before a test could mark it after starting it).
 */
@ApplicationScoped
public class TestParticipants {

    public static final String DEFINITION = "test-three";
    /** alpha then beta, each with 10 s to answer: time for a test to act while a step is in flight. */
    public static final String PATIENT = "test-patient";
    /** Sagas started with {@code brokenCompensations} whose compensations are accepted again. */
    public static final Set<UUID> MENDED = ConcurrentHashMap.newKeySet();

    @Produces
    @Singleton
    SagaDefinition threeSteps() {
        return new SagaDefinition(DEFINITION, 1, List.of(
                StepDefinition.compensable("alpha", "test-alpha", Duration.ofMillis(500))
                        .withAttempts(2, Duration.ofMillis(100)),
                StepDefinition.compensable("beta", "test-beta", Duration.ofMillis(500))
                        .withAttempts(2, Duration.ofMillis(100)),
                StepDefinition.retriable("gamma", "test-gamma", Duration.ofMillis(500))
                        .withAttempts(3, Duration.ofMillis(100))));
    }

    @Produces
    @Singleton
    SagaDefinition patient() {
        return new SagaDefinition(PATIENT, 1, List.of(
                StepDefinition.compensable("alpha", "test-alpha", Duration.ofSeconds(10)),
                StepDefinition.compensable("beta", "test-beta", Duration.ofSeconds(10))));
    }

    void serve(@Observes StartupEvent event, SagaParticipant participant) {
        participant.serve("test-alpha", Map.of("alpha", new Writer("alpha")));
        participant.serve("test-beta", Map.of("beta", new Writer("beta")));
        participant.serve("test-gamma", Map.of("gamma", new Writer("gamma")));
    }

    private record Writer(String name) implements SagaStep {

        @Override
        public Uni<JsonNode> forward(SqlConnection tx, OutboxEvents events, SagaCommand command) {
            JsonNode data = command.data();
            if (name.equals(data.path("fail").asText())) {
                return Uni.createFrom().failure(new SagaStepRefused(name + " refuses"));
            }
            if ("gamma".equals(name) && command.attempt() <= data.path("gammaFailures").asInt()) {
                return Uni.createFrom().failure(new SagaStepRefused("gamma refuses attempt " + command.attempt()));
            }
            long slow = data.path("slow").path(name).asLong();
            Uni<Void> wait = slow > 0 ? Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(slow))
                    : Uni.createFrom().voidItem();
            return write(tx, command, "forward").call(() -> wait)
                    .map(ignored -> io.zhiyue.shared.json.JsonCodec.mapper().createObjectNode().put("by", name));
        }

        @Override
        public Uni<JsonNode> compensate(SqlConnection tx, OutboxEvents events, SagaCommand command) {
            if (command.data().path("brokenCompensations").asBoolean() && !MENDED.contains(command.sagaId())) {
                return Uni.createFrom().failure(new SagaStepRefused(name + " cannot undo now"));
            }
            return write(tx, command, "compensate").replaceWith((JsonNode) null);
        }

        private Uni<Void> write(SqlConnection tx, SagaCommand command, String action) {
            return tx.preparedQuery("INSERT INTO test_writes (saga_id, step, action) VALUES ($1, $2, $3)")
                    .execute(Tuple.of(command.sagaId(), name, action)).replaceWithVoid();
        }
    }
}
