package io.zhiyue.streams.saga;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.saga.SagaCommand;
import io.zhiyue.shared.saga.SagaReply;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.Delivery;
import io.zhiyue.streams.consumer.StreamConsumers;
import io.zhiyue.streams.consumer.StreamHandler;
import io.zhiyue.streams.idempotency.IdempotentConsumer;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The participant side of every saga, once for all services: a service names itself and its steps
 * ({@link #serve}), and each command on {@code zhiyue:saga:commands:<participant>} is handled in one transaction
 * with the outbox:
 * <ol>
 * <li>the fence: the saga's row in {@code saga_fences} takes the highest fencing token seen (and stays locked to
 * the commit, so two commands of one saga never interleave here); a command older than it is answered
 * {@code STALE} and does nothing — a forward write that arrives after its timeout's cleanup never lands;</li>
 * <li>the idempotency key ({@link SagaCommand#key()}) in {@code processed_keys}: a command seen before does
 * nothing (its reply went out through the outbox with its work);</li>
 * <li>the step: {@code FORWARD} runs {@link SagaStep#forward}; {@code COMPENSATE} and {@code CLEANUP} run
 * {@link SagaStep#compensate} at most once per saga step (a key {@code sagaId:step:undone} records it), and a
 * cleanup only if a forward attempt of the step landed (a key {@code sagaId:step:landed}, written with the forward's
 * work; a refused forward writes none); both answer whether they undid it now
 * ({@code {"undone": true|false}});</li>
 * <li>the reply on {@code zhiyue:saga:replies}, through the outbox, committed with the work.</li>
 * </ol>
 * A step that refuses ({@link SagaStepRefused}, or a 4xx {@link ZhiyueException}) is rolled back and answered
 * {@code FAILED} in a transaction of its own (key recorded: a redelivery does not run it again). Any other failure
 * leaves the entry pending, and the shared stream runtime delivers it again. For fault runs only,
 * {@code zhiyue.saga.chaos.failure-rate} (default 0) refuses that share of forward steps after their work.
 *
 * <pre>
 * CREATE TABLE saga_fences (saga_id uuid PRIMARY KEY, token bigint NOT NULL,
 *     updated_at timestamptz NOT NULL DEFAULT now());
 * </pre>
 * plus {@code processed_keys} ({@link IdempotentConsumer}) and {@code outbox} in the participant's schema.
 */
@ApplicationScoped
public class SagaParticipant {

    private static final String FENCE = """
            INSERT INTO saga_fences (saga_id, token) VALUES ($1, $2)
            ON CONFLICT (saga_id) DO UPDATE SET token = GREATEST(saga_fences.token, EXCLUDED.token), updated_at = now()
            RETURNING token""";
    /** Whether a forward attempt of the step landed (committed its work): its marker {@code sagaId:step:landed}. */
    private static final String LANDED = "SELECT 1 FROM processed_keys WHERE consumer = $1 AND key = $2";

    private final Outbox outbox;
    private final IdempotentConsumer keys;
    private final StreamConsumers consumers;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /**
     * Fault runs only: the share of forward steps refused after their work (its writes in the step's transaction
     * are rolled back; what a step does elsewhere, such as cache-service's invalidation, stays). 0 in production.
     */
    private final double chaos;
    /**
     * Commands of one participant handled at once in this process. Each worker holds a Redis connection for its
     * blocking read, so more workers need a bigger Redis pool (a test application serving three participants
     * with 8 each starved its pool of 24). Four by default: with two, grading-service (two commands per override
     * saga) fell behind on a newly started stack at 50 overrides a second until the steps timed out and sagas
     * parked; with four it caught up (README "bench saga").
     */
    private final int workers;

    public SagaParticipant(Outbox outbox, IdempotentConsumer keys, StreamConsumers consumers, MeterRegistry registry,
            @ConfigProperty(name = "zhiyue.saga.chaos.failure-rate", defaultValue = "0") double chaos,
            @ConfigProperty(name = "zhiyue.saga.participant-workers", defaultValue = "4") int workers) {
        this.chaos = chaos;
        this.workers = workers;
        this.outbox = outbox;
        this.keys = keys;
        this.consumers = consumers;
        this.registry = registry;
    }

    /** Starts taking {@code participant}'s saga commands (consumer group {@code participant}). */
    public void serve(String participant, Map<String, SagaStep> steps) {
        if (chaos > 0) {
            Log.warnf("%s refuses %.0f%% of its saga steps at random (zhiyue.saga.chaos.failure-rate): a fault run, "
                    + "never production", participant, chaos * 100);
        }
        Map<String, SagaStep> known = Map.copyOf(steps);
        consumers.start(Streams.sagaCommands(participant), participant, workers, new StreamHandler() {
            @Override
            public Uni<Void> handle(Delivery delivery) {
                return SagaParticipant.this.handle(participant, known, delivery.envelope());
            }
        });
    }

    /** Handles one command entry (see the class comment); completes once its reply is committed, or it was stale. */
    public Uni<Void> handle(String participant, Map<String, SagaStep> steps, Envelope envelope) {
        SagaCommand command = envelope.payloadAs(SagaCommand.class);
        SagaStep step = steps.get(command.name());
        String consumer = "saga:" + participant;
        return outbox.inTransaction((tx, events) -> fenced(tx, events, envelope, command, participant).chain(fresh -> {
                    if (!fresh) {
                        return Uni.createFrom().voidItem();
                    }
                    return keys.firstTime(tx, consumer, keyed(envelope, command, command.key())).chain(first -> {
                        if (!first) {
                            count(participant, "repeated");
                            return Uni.createFrom().voidItem();
                        }
                        if (step == null) {
                            throw new SagaStepRefused(participant + " has no saga step " + command.name());
                        }
                        return run(tx, events, consumer, step, command, envelope).invoke(result -> {
                            count(participant, "done");
                            reply(events, envelope, command, participant, SagaReply.Outcome.DONE, null, result);
                        }).replaceWithVoid();
                    });
                }))
                .onFailure(SagaParticipant::refused).recoverWithUni(failure -> refuse(participant, consumer,
                        envelope, command, failure.getMessage()));
    }

    private Uni<JsonNode> run(SqlConnection tx, OutboxEvents events, String consumer, SagaStep step,
            SagaCommand command, Envelope envelope) {
        return switch (command.kind()) {
            case FORWARD -> step.forward(tx, events, command)
                    .invoke(() -> {
                        if (chaos > 0 && ThreadLocalRandom.current().nextDouble() < chaos) {
                            throw new SagaStepRefused("refused at random by the fault run (after its work, which "
                                    + "is rolled back)");
                        }
                    })
                    .call(() -> keys.firstTime(tx, consumer, keyed(envelope, command,
                            command.forwardKeyPrefix() + "landed")));
            case COMPENSATE -> undo(tx, events, consumer, step, command, envelope);
            case CLEANUP -> tx.preparedQuery(LANDED).execute(Tuple.of(consumer, command.forwardKeyPrefix() + "landed"))
                    .chain(rows -> rows.size() == 0 ? Uni.createFrom().item(undone(false))
                            : undo(tx, events, consumer, step, command, envelope));
        };
    }

    /** The step's compensation, unless an earlier compensation or cleanup of the step undid it already. */
    private Uni<JsonNode> undo(SqlConnection tx, OutboxEvents events, String consumer, SagaStep step,
            SagaCommand command, Envelope envelope) {
        return keys.firstTime(tx, consumer, keyed(envelope, command, command.forwardKeyPrefix() + "undone"))
                .chain(first -> first
                ? step.compensate(tx, events, command).map(ignored -> undone(true))
                : Uni.createFrom().item(undone(false)));
    }

    /** The refusal, recorded with its key in a transaction of its own: the step's writes are rolled back. */
    private Uni<Void> refuse(String participant, String consumer, Envelope envelope, SagaCommand command,
            String why) {
        return outbox.inTransaction((tx, events) -> fenced(tx, events, envelope, command, participant).chain(fresh -> {
            if (!fresh) {
                return Uni.createFrom().voidItem();
            }
            return keys.firstTime(tx, consumer, keyed(envelope, command, command.key())).invoke(first -> {
                if (first) {
                    count(participant, "refused");
                    Log.infof("%s refused saga step %s (%s): %s", participant, command.name(), command.key(), why);
                    reply(events, envelope, command, participant, SagaReply.Outcome.FAILED, why, null);
                }
            }).replaceWithVoid();
        }));
    }

    /**
     * Takes the saga's fence (locked to the commit) at the command's token; false, with the STALE reply written,
     * when a newer command of the saga came here before.
     */
    private Uni<Boolean> fenced(SqlConnection tx, OutboxEvents events, Envelope envelope, SagaCommand command,
            String participant) {
        return tx.preparedQuery(FENCE).execute(Tuple.of(command.sagaId(), command.fencingToken())).map(rows -> {
            long current = rows.iterator().next().getLong("token");
            if (current > command.fencingToken()) {
                count(participant, "stale");
                reply(events, envelope, command, participant, SagaReply.Outcome.STALE,
                        "fencing token " + command.fencingToken() + " is older than " + current, null);
                return false;
            }
            return true;
        });
    }

    private static boolean refused(Throwable failure) {
        return failure instanceof SagaStepRefused
                || failure instanceof ZhiyueException e && e.code().status() >= 400 && e.code().status() < 500;
    }

    /** The envelope under {@code key}: what {@code processed_keys} records for it. */
    private static Envelope keyed(Envelope envelope, SagaCommand command, String key) {
        return new Envelope(envelope.id(), envelope.type(), envelope.version(), envelope.occurredAt(),
                envelope.tenantId(), envelope.traceparent(), key, envelope.payload());
    }

    private void reply(OutboxEvents events, Envelope envelope, SagaCommand command, String participant,
            SagaReply.Outcome outcome, String error, JsonNode result) {
        events.add(Streams.SAGA_REPLIES, Envelope.of(EventType.SAGA_REPLY, envelope.tenantId(),
                command.key() + ":" + outcome.name().toLowerCase(java.util.Locale.ROOT),
                SagaReply.to(command, participant, outcome, error, result), envelope.traceparent()));
    }

    private static JsonNode undone(boolean undone) {
        return io.zhiyue.shared.json.JsonCodec.mapper().createObjectNode().put("undone", undone);
    }

    private void count(String participant, String outcome) {
        counters.computeIfAbsent(participant + "/" + outcome, name -> Counter.builder("zhiyue.saga.participant.commands")
                .tag("participant", participant).tag("outcome", outcome).register(registry)).increment();
    }
}
