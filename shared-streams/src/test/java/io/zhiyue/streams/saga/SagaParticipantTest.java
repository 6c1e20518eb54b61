package io.zhiyue.streams.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.saga.SagaCommand;
import io.zhiyue.shared.saga.SagaCommand.Kind;
import io.zhiyue.shared.saga.SagaReply;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.outbox.OutboxEvents;
import io.zhiyue.streams.outbox.OutboxTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The participant side of sagas against real PostgreSQL: a step runs once per idempotency key and its reply commits
 * with its work; a command older than the saga's fence does nothing (a late forward write after its timeout's
 * cleanup never lands); a cleanup undoes a forward attempt that landed and only then; a refused step leaves nothing
 * written and answers FAILED once.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
@TestProfile(OutboxTest.RelayByHand.class)
class SagaParticipantTest {

    private static final String PARTICIPANT = "notes-service";

    @Inject
    SagaParticipant participant;
    @Inject
    Pool pool;

    /** Writes a note keyed by saga and step; undoing deletes it. Counts both. */
    private static final class NoteStep implements SagaStep {

        final AtomicInteger forwards = new AtomicInteger();
        final AtomicInteger compensations = new AtomicInteger();
        final boolean refuseAfterWriting;

        NoteStep(boolean refuseAfterWriting) {
            this.refuseAfterWriting = refuseAfterWriting;
        }

        @Override
        public Uni<JsonNode> forward(SqlConnection tx, OutboxEvents events, SagaCommand command) {
            forwards.incrementAndGet();
            return tx.preparedQuery("INSERT INTO notes (key, tenant_id, body) VALUES ($1, 'demo-school', $2)")
                    .execute(Tuple.of(note(command), command.data().path("text").asText()))
                    .map(ignored -> {
                        if (refuseAfterWriting) {
                            throw new SagaStepRefused("the note is not wanted");
                        }
                        return JsonCodec.mapper().createObjectNode().put("written", note(command));
                    });
        }

        @Override
        public Uni<JsonNode> compensate(SqlConnection tx, OutboxEvents events, SagaCommand command) {
            compensations.incrementAndGet();
            return tx.preparedQuery("DELETE FROM notes WHERE key = $1").execute(Tuple.of(note(command)))
                    .replaceWith((JsonNode) null);
        }

        static String note(SagaCommand command) {
            return "saga-" + command.sagaId() + "-" + command.step();
        }
    }

    @Test
    void aStepRunsOncePerKeyAndItsReplyCommitsWithIt() {
        NoteStep step = new NoteStep(false);
        UUID saga = UUID.randomUUID();
        SagaCommand forward = command(saga, Kind.FORWARD, 1, 1);
        handle(step, forward);
        handle(step, forward);

        assertThat(step.forwards).hasValue(1);
        assertThat(notes(saga)).isEqualTo(1);
        List<SagaReply> replies = replies(saga);
        assertThat(replies).singleElement().satisfies(reply -> {
            assertThat(reply.outcome()).isEqualTo(SagaReply.Outcome.DONE);
            assertThat(reply.participant()).isEqualTo(PARTICIPANT);
            assertThat(reply.result().path("written").asText()).isEqualTo(NoteStep.note(forward));
        });

        // a new attempt is a new key; a compensation undoes it, once
        handle(step, command(saga, Kind.COMPENSATE, 1, 2));
        handle(step, command(saga, Kind.COMPENSATE, 1, 2));
        assertThat(step.compensations).hasValue(1);
        assertThat(notes(saga)).isZero();
    }

    @Test
    void aForwardWriteThatArrivesAfterItsCleanupNeverLands() {
        NoteStep step = new NoteStep(false);
        UUID saga = UUID.randomUUID();
        // the coordinator gave up on attempt 1 (token 1) and cleaned up with token 2 before the forward arrived
        handle(step, command(saga, Kind.CLEANUP, 1, 2));
        handle(step, command(saga, Kind.FORWARD, 1, 1));

        assertThat(step.forwards).hasValue(0);
        assertThat(step.compensations).hasValue(0);
        assertThat(notes(saga)).isZero();
        assertThat(replies(saga)).extracting(SagaReply::kind, SagaReply::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.CLEANUP, SagaReply.Outcome.DONE),
                org.assertj.core.groups.Tuple.tuple(Kind.FORWARD, SagaReply.Outcome.STALE));
        assertThat(replies(saga).getFirst().result().path("undone").asBoolean()).isFalse();
    }

    @Test
    void aCleanupUndoesAForwardAttemptThatLanded() {
        NoteStep step = new NoteStep(false);
        UUID saga = UUID.randomUUID();
        handle(step, command(saga, Kind.FORWARD, 1, 1));
        assertThat(notes(saga)).isEqualTo(1);
        handle(step, command(saga, Kind.CLEANUP, 1, 2));

        assertThat(step.compensations).hasValue(1);
        assertThat(notes(saga)).isZero();
        assertThat(replies(saga).getLast().result().path("undone").asBoolean()).isTrue();

        // a second cleanup (the first one's reply was late) and a compensation do not undo it again
        handle(step, command(saga, Kind.CLEANUP, 2, 3));
        handle(step, command(saga, Kind.COMPENSATE, 1, 4));
        assertThat(step.compensations).hasValue(1);
        assertThat(replies(saga)).extracting(reply -> reply.result().path("undone").asBoolean())
                .containsExactly(false, true, false, false);
    }

    @Test
    void aRefusedStepLeavesNothingWrittenAndAnswersFailedOnce() {
        NoteStep step = new NoteStep(true);
        UUID saga = UUID.randomUUID();
        SagaCommand forward = command(saga, Kind.FORWARD, 1, 1);
        handle(step, forward);
        handle(step, forward);

        assertThat(notes(saga)).isZero();
        assertThat(step.forwards).hasValue(1);
        assertThat(replies(saga)).singleElement().satisfies(reply -> {
            assertThat(reply.outcome()).isEqualTo(SagaReply.Outcome.FAILED);
            assertThat(reply.error()).isEqualTo("the note is not wanted");
        });
        // a refused forward did not land: a cleanup (its FAILED reply came too late) has nothing to undo
        handle(step, command(saga, Kind.CLEANUP, 1, 2));
        assertThat(step.compensations).hasValue(0);
        assertThat(replies(saga).getLast().result().path("undone").asBoolean()).isFalse();
    }

    @Test
    void aStepTheParticipantDoesNotKnowIsRefused() {
        UUID saga = UUID.randomUUID();
        SagaCommand unknown = new SagaCommand(saga, "demo-school", "test", 1, 0, "no-such-step", Kind.FORWARD, 1, 1,
                JsonCodec.mapper().createObjectNode());
        participant.handle(PARTICIPANT, Map.of(), envelope(unknown)).await().atMost(Duration.ofSeconds(10));
        assertThat(replies(saga)).singleElement().satisfies(reply -> {
            assertThat(reply.outcome()).isEqualTo(SagaReply.Outcome.FAILED);
            assertThat(reply.error()).contains("no-such-step");
        });
    }

    private void handle(NoteStep step, SagaCommand command) {
        participant.handle(PARTICIPANT, Map.of("note", step), envelope(command)).await().atMost(Duration.ofSeconds(10));
    }

    private static SagaCommand command(UUID saga, Kind kind, int attempt, long token) {
        return new SagaCommand(saga, "demo-school", "test", 1, 0, "note", kind, attempt, token,
                JsonCodec.mapper().createObjectNode().put("text", "hello"));
    }

    private static Envelope envelope(SagaCommand command) {
        return Envelope.of(EventType.SAGA_COMMAND, "demo-school", command.key(), command, null);
    }

    private long notes(UUID saga) {
        return pool.preparedQuery("SELECT count(*) FROM notes WHERE key LIKE $1")
                .execute(Tuple.of("saga-" + saga + "-%")).await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }

    /** The replies committed to the outbox for the saga, in order. */
    private List<SagaReply> replies(UUID saga) {
        List<SagaReply> replies = new ArrayList<>();
        for (Row row : pool.preparedQuery("SELECT payload FROM outbox WHERE stream = $1 AND key LIKE $2 ORDER BY id")
                .execute(Tuple.of(Streams.SAGA_REPLIES, saga + ":%")).await().atMost(Duration.ofSeconds(5))) {
            replies.add(JsonCodec.read(row.getString("payload"), SagaReply.class));
        }
        return replies;
    }
}
