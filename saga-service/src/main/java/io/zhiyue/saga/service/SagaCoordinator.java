package io.zhiyue.saga.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.saga.definition.SagaDefinition;
import io.zhiyue.saga.definition.SagaDefinitions;
import io.zhiyue.saga.definition.StepDefinition;
import io.zhiyue.saga.model.SagaState;
import io.zhiyue.saga.repository.SagaRepository;
import io.zhiyue.saga.repository.SagaRow;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.saga.SagaApplied;
import io.zhiyue.shared.saga.SagaCommand;
import io.zhiyue.shared.saga.SagaCommand.Kind;
import io.zhiyue.shared.saga.SagaReply;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.StreamBacklog;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs sagas from their log. Every move — a start, a reply, a timeout, a retry after its pause, a cancel, an
 * operator's action — happens in one transaction that holds the saga's row lock, writes the log and puts the next
 * command in the outbox, so a coordinator that dies loses nothing (the next one finds the saga due, or its reply in
 * the stream) and two coordinators never move one saga at once (replies lock the row; due sagas are claimed with
 * {@code FOR UPDATE SKIP LOCKED}).
 *
 * <p>Forward, each step's command goes to its participant; a reply that is not for the command in flight (an
 * earlier attempt, a timed-out one) is logged as late and changes nothing. A compensable step that fails was rolled
 * back by its participant, so compensation starts below it: completed compensable steps are undone in reverse
 * order, each tried {@code maxAttempts} times with backoff and then parked for an operator. A step whose reply does
 * not come in time is unknown: its participant gets a CLEANUP (a newer fencing token: the late forward write can no
 * longer land; if it landed, it is undone), then the saga compensates; a command not yet handed to a participant
 * that is alive gets more time first ({@code zhiyue.saga.queued-allowance}). Retriable steps, and every
 * step after a pivot, are tried again instead (a new attempt, a newer token) and never compensated. A cancelled saga stops going
 * forward once the command in flight is answered and compensates to the end.
 */
@ApplicationScoped
public class SagaCoordinator {

    /** Sagas moved per claim of the due ones. */
    static final int CLAIM = 50;
    /** How long a claim waits for Redis to tell whether a participant has its command yet. */
    private static final Duration REDIS_LOOK = Duration.ofMillis(500);

    private final SagaRepository sagas;
    private final SagaDefinitions definitions;
    private final Outbox outbox;
    private final MeterRegistry registry;
    private final AuditTrail audit;
    private final Map<String, Counter> ends = new ConcurrentHashMap<>();
    private final StreamBacklog backlog;
    private final Duration queuedAllowance;
    private final Counter postponed;
    /**
     * Commands ({@code sagaId:token}) found still waiting for their participant at a look, and when: once handed
     * out, such a command gets one whole timeout from the next look. In memory: after a restart, or on another
     * coordinator replica, a command handed out late gets what it had before this (at least its postponed time).
     */
    private final Map<String, Long> queued = new ConcurrentHashMap<>();

    public SagaCoordinator(SagaRepository sagas, SagaDefinitions definitions, Outbox outbox, MeterRegistry registry,
            AuditTrail audit, StreamBacklog backlog,
            @ConfigProperty(name = "zhiyue.saga.queued-allowance") Duration queuedAllowance) {
        this.backlog = backlog;
        this.queuedAllowance = queuedAllowance;
        this.postponed = Counter.builder("zhiyue.saga.timeouts.postponed")
                .description("awaited commands given more time because they still waited for a live participant")
                .register(registry);
        this.audit = audit;
        this.sagas = sagas;
        this.definitions = definitions;
        this.outbox = outbox;
        this.registry = registry;
    }

    /** What a start answered: the saga, and whether this call started it (false: the key started it before). */
    public record Started(SagaRow saga, boolean created) {
    }

    /** Starts {@code definition} with {@code data}, once per tenant and request key; sends its first command. */
    public Uni<Started> start(String tenant, String definition, String requestKey, JsonNode data, String startedBy) {
        SagaDefinition saga = definitions.latest(definition);
        if (requestKey == null || requestKey.isBlank() || requestKey.length() > 200) {
            throw ZhiyueException.validation("requestKey", "is required (1 to 200 characters): the same key starts "
                    + "the saga once");
        }
        if (data != null && !data.isObject()) {
            throw ZhiyueException.validation("data", "must be a JSON object");
        }
        JsonNode input = data == null ? JsonCodec.mapper().createObjectNode() : data;
        return outbox.inTransaction((tx, events) -> sagas.insert(tx, UUID.randomUUID(), tenant, saga.name(),
                saga.version(), requestKey, input, startedBy).chain(row -> {
                    if (row == null) {
                        return sagas.byKey(tx, tenant, saga.name(), requestKey).map(existing -> new Started(existing, false));
                    }
                    return send(tx, events, row, saga).replaceWith(new Started(row, true));
                }));
    }

    /**
     * A saga whose first step its initiator applied with its own change ({@link SagaApplied}): recorded with that
     * step DONE (its result as the participant's), then run on from the second step; once per request key.
     */
    public Uni<Void> startApplied(String tenant, SagaApplied applied) {
        SagaDefinition saga = definitions.latest(applied.definition());
        JsonNode input = applied.data() == null ? JsonCodec.mapper().createObjectNode() : applied.data();
        return outbox.inTransaction((tx, events) -> sagas.insert(tx, applied.sagaId(), tenant, saga.name(),
                saga.version(), applied.requestKey(), input, applied.startedBy()).chain(row -> {
                    if (row == null) {
                        // started before: the entry came again
                        return Uni.createFrom().voidItem();
                    }
                    StepDefinition first = saga.step(0);
                    row.next(0, Kind.FORWARD, 1);
                    SagaCommand command = new SagaCommand(row.id, row.tenant, saga.name(), saga.version(), 0,
                            first.name(), Kind.FORWARD, 1, row.token, input);
                    return sagas.insertAttempt(tx, row, first.name(), first.participant(), command)
                            .chain(() -> sagas.recordReply(tx, SagaReply.to(command, first.participant(),
                                    SagaReply.Outcome.DONE, null, applied.result()), false))
                            .chain(() -> forwardDone(tx, events, row, saga, first, applied.result()));
                }));
    }

    /** A participant's reply: moves the saga when it answers the command in flight; logged as late otherwise. */
    public Uni<Void> onReply(SagaReply reply) {
        return outbox.inTransaction((tx, events) -> sagas.lock(tx, reply.sagaId()).chain(row -> {
            if (row == null) {
                Log.warnf("a reply for unknown saga %s", reply.sagaId());
                return Uni.createFrom().voidItem();
            }
            boolean current = row.awaiting && !row.state.ended() && row.step == reply.step() && row.kind == reply.kind()
                    && row.attempt == reply.attempt() && row.token == reply.fencingToken();
            return sagas.recordReply(tx, reply, !current).chain(() -> current
                    ? moved(tx, events, row, reply.outcome() == SagaReply.Outcome.DONE, reply.error(), reply.result())
                    : Uni.createFrom().voidItem());
        }));
    }

    /**
     * Moves the sagas that are due: an awaited command past its timeout, or a retry whose pause ended. Answers how
     * many it moved (each in the claim's one transaction; other coordinators skip them).
     */
    public Uni<Integer> tick() {
        // up to when each participant was handed commands, asked once per tick and participant
        Map<String, OptionalLong> handedOut = new HashMap<>();
        forgetOldQueued();
        return outbox.inTransaction((tx, events) -> sagas.claimDue(tx, CLAIM).chain(due -> Multi.createFrom()
                .iterable(due)
                .onItem().transformToUniAndConcatenate(row -> Uni.createFrom().deferred(() -> row.awaiting
                                ? dueWhileAwaiting(tx, events, row, handedOut)
                                : send(tx, events, row, definitions.version(row.definition, row.definitionVersion)))
                        // a saga that cannot be moved (its definition version is no longer deployed) waits for an
                        // operator instead of failing every tick for every saga; a database error still fails
                        // the claim, and the next tick tries again
                        .onFailure(failure -> !(failure instanceof io.vertx.pgclient.PgException))
                        .recoverWithUni(failure -> parked(tx, row, failure)))
                .collect().asList()
                .map(List::size)));
    }

    /**
     * Cancels a running saga: once the command in flight is answered it compensates instead of going on (at once
     * when none is in flight). A saga compensating runs to its end; an ended one cannot be cancelled.
     */
    public Uni<SagaRow> cancel(String tenant, UUID id) {
        return outbox.inTransaction((tx, events) -> sagas.lock(tx, tenant, id).chain(row -> {
            if (row == null) {
                throw ZhiyueException.notFound("saga", id);
            }
            if (row.state.ended()) {
                throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "saga " + id + " has ended " + row.state);
            }
            if (row.state != SagaState.RUNNING || row.cancelRequested) {
                return Uni.createFrom().item(row);
            }
            row.cancelRequested = true;
            SagaDefinition saga = definitions.version(row.definition, row.definitionVersion);
            if (!row.awaiting && row.kind == Kind.FORWARD && !saga.pastPivot(row.completed)) {
                return compensate(tx, events, row, saga, row.completed, "cancelled").replaceWith(row);
            }
            return sagas.update(tx, row).replaceWith(row);
        }));
    }

    /** An operator's action on a parked saga (see {@code SagaAction}), recorded with who and why. */
    public Uni<SagaRow> act(String tenant, UUID id, String action, int step, String reason, String actor) {
        return outbox.inTransaction((tx, events) -> sagas.lock(tx, tenant, id).chain(row -> {
            if (row == null) {
                throw ZhiyueException.notFound("saga", id);
            }
            if (row.state != SagaState.PARKED) {
                throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "saga " + id + " is " + row.state
                        + ": operators act on PARKED sagas only");
            }
            if (row.step != step) {
                throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "saga " + id + " is parked at step " + row.step
                        + ", not " + step);
            }
            SagaDefinition saga = definitions.version(row.definition, row.definitionVersion);
            Uni<Void> done = switch (action) {
                case "retry" -> {
                    row.state = row.kind == Kind.FORWARD ? SagaState.RUNNING : SagaState.COMPENSATING;
                    row.next(row.step, row.kind, row.attempt + 1);
                    yield send(tx, events, row, saga);
                }
                case "skip" -> {
                    if (row.kind != Kind.FORWARD) {
                        row.skipped = true;
                    }
                    row.state = row.kind == Kind.FORWARD ? SagaState.RUNNING : SagaState.COMPENSATING;
                    yield moved(tx, events, row, true, null,
                            JsonCodec.mapper().createObjectNode().put("skippedBy", actor));
                }
                case "resolve" -> {
                    row.end(SagaState.RESOLVED);
                    ended(row);
                    yield sagas.update(tx, row);
                }
                default -> throw ZhiyueException.validation("action", "must be retry, skip or resolve");
            };
            return done.chain(() -> sagas.insertAction(tx, id, action, step, reason, actor))
                    .invoke(() -> audit.record(events, tenant, "saga." + action, "saga", id, actor,
                            AuditTrail.fields("state", SagaState.PARKED, "step", step),
                            AuditTrail.fields("state", row.state, "reason", reason)))
                    .replaceWith(row);
        }));
    }

    /** The command in flight was answered: DONE ({@code ok}) or not. */
    private Uni<Void> moved(SqlConnection tx, OutboxEvents events, SagaRow row, boolean ok, String error,
            JsonNode result) {
        SagaDefinition saga = definitions.version(row.definition, row.definitionVersion);
        StepDefinition step = saga.step(row.step);
        return switch (row.kind) {
            case FORWARD -> ok ? forwardDone(tx, events, row, saga, step, result)
                    : forwardFailed(tx, events, row, saga, step, error);
            case CLEANUP -> ok ? compensate(tx, events, row, saga, row.step,
                    "step " + step.name() + " did not answer in " + step.timeout().toMillis() + " ms")
                    : again(tx, events, row, saga, step, "cleanup of step " + step.name() + " failed: " + error);
            case COMPENSATE -> ok ? compensate(tx, events, row, saga, row.step, row.error)
                    : again(tx, events, row, saga, step, "compensation of step " + step.name() + " failed: " + error);
        };
    }

    private Uni<Void> forwardDone(SqlConnection tx, OutboxEvents events, SagaRow row, SagaDefinition saga,
            StepDefinition step, JsonNode result) {
        row.results.set(step.name(), result == null ? JsonCodec.mapper().nullNode() : result);
        row.completed = row.step + 1;
        if (row.completed == saga.size()) {
            row.end(SagaState.COMPLETED);
            ended(row);
            return sagas.update(tx, row);
        }
        if (row.cancelRequested && !saga.pastPivot(row.completed)) {
            return compensate(tx, events, row, saga, row.completed, "cancelled");
        }
        row.next(row.step + 1, Kind.FORWARD, 1);
        return send(tx, events, row, saga);
    }

    private Uni<Void> forwardFailed(SqlConnection tx, OutboxEvents events, SagaRow row, SagaDefinition saga,
            StepDefinition step, String error) {
        String why = "step " + step.name() + " failed: " + error;
        if (step.kind() == StepDefinition.Kind.RETRIABLE || saga.pastPivot(row.completed)) {
            return again(tx, events, row, saga, step, why);
        }
        // the participant rolled the step back: undo what completed below it
        return compensate(tx, events, row, saga, row.step, why);
    }

    private Uni<Void> parked(SqlConnection tx, SagaRow row, Throwable failure) {
        row.end(SagaState.PARKED);
        row.error = "the coordinator could not move it: " + failure.getMessage();
        ended(row);
        Log.errorf("saga %s (%s v%d) parked: %s", row.id, row.definition, row.definitionVersion, failure.toString());
        return sagas.update(tx, row);
    }

    /**
     * An awaited command past its timeout. While it has not been handed to its participant yet (the last entry
     * handed out of the participant's command stream is older than the command) and a consumer of the participant
     * is alive, the command gets another timeout's time, up to {@code zhiyue.saga.queued-allowance} after the saga
     * last moved (the send; a cancel too): a timeout judges how long a participant takes once it has the command,
     * not how long the command waited behind others (Temporal's schedule-to-start against start-to-close).
     * A command found waiting at one look and handed out by the next gets one more whole timeout, since it may have
     * been handed out a moment ago. Otherwise, or when Redis cannot tell at once, it timed out. (Stream ids carry Redis' clock, {@code updated_at}
     * PostgreSQL's: a skew between them moves the judgement towards the cap or towards timing out as before.)
     */
    private Uni<Void> dueWhileAwaiting(SqlConnection tx, OutboxEvents events, SagaRow row,
            Map<String, OptionalLong> handedOut) {
        StepDefinition step = definitions.version(row.definition, row.definitionVersion).step(row.step);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime cap = row.updatedAt == null ? now : row.updatedAt.plus(queuedAllowance);
        if (!now.isBefore(cap)) {
            return timedOut(tx, events, row);
        }
        String participant = step.participant();
        Uni<OptionalLong> lastHandedOut = handedOut.containsKey(participant)
                ? Uni.createFrom().item(handedOut.get(participant))
                : backlog.handedOutToALiveConsumer(Streams.sagaCommands(participant), participant)
                        // the claim holds its rows' locks: Redis gets a moment, not its full timeout
                        .ifNoItem().after(REDIS_LOOK).fail()
                        .onFailure().recoverWithItem(OptionalLong.empty())
                        .invoke(answer -> handedOut.put(participant, answer));
        long sentMillis = row.updatedAt.toInstant().toEpochMilli();
        String command = row.id + ":" + row.token;
        return lastHandedOut.chain(last -> {
            // the command went into the stream after the transaction that sent it began (updated_at)
            boolean waiting = last.isPresent() && last.getAsLong() < sentMillis;
            // one that waited at the last look was handed out since, maybe a moment ago: it gets one whole timeout
            boolean justHandedOut = !waiting && last.isPresent() && queued.remove(command) != null;
            if (!waiting && !justHandedOut) {
                return timedOut(tx, events, row);
            }
            if (waiting) {
                queued.put(command, System.nanoTime());
            }
            postponed.increment();
            OffsetDateTime next = now.plus(step.timeout());
            return sagas.postpone(tx, row.id, next.isBefore(cap) ? next : cap);
        });
    }

    /** Forgets the commands that waited at a look longer ago than the allowance (answered or timed out since). */
    private void forgetOldQueued() {
        long oldest = System.nanoTime() - queuedAllowance.toNanos();
        queued.values().removeIf(seen -> seen - oldest < 0);
    }

    /** The awaited command timed out. */
    private Uni<Void> timedOut(SqlConnection tx, OutboxEvents events, SagaRow row) {
        SagaDefinition saga = definitions.version(row.definition, row.definitionVersion);
        StepDefinition step = saga.step(row.step);
        String why = row.kind.name().toLowerCase(java.util.Locale.ROOT) + " of step " + step.name()
                + " had no reply in " + step.timeout().toMillis() + " ms";
        return sagas.recordTimeout(tx, row, why).chain(() -> {
            if (row.kind == Kind.FORWARD && step.kind() != StepDefinition.Kind.RETRIABLE
                    && !saga.pastPivot(row.completed)) {
                // unknown: the participant cleans up (and fences the late write off), then the saga compensates;
                // from here on it only goes back, so a cancel has nothing to add
                row.state = SagaState.COMPENSATING;
                row.next(row.step, Kind.CLEANUP, 1);
                return send(tx, events, row, saga);
            }
            return again(tx, events, row, saga, step, why);
        });
    }

    /** The command again after a pause (a new attempt, a newer token), or the saga parked once attempts ran out. */
    private Uni<Void> again(SqlConnection tx, OutboxEvents events, SagaRow row, SagaDefinition saga,
            StepDefinition step, String why) {
        if (row.attempt >= step.maxAttempts()) {
            row.end(SagaState.PARKED);
            row.error = why + " (" + row.attempt + " attempts): waits for an operator";
            ended(row);
            Log.warnf("saga %s (%s) parked: %s", row.id, row.definition, row.error);
            return sagas.update(tx, row);
        }
        row.next(row.step, row.kind, row.attempt + 1);
        row.dueAt = OffsetDateTime.now(ZoneOffset.UTC).plus(step.pauseBefore(row.attempt));
        return sagas.update(tx, row);
    }

    /** Undoes the completed compensable step nearest below {@code below}; COMPENSATED once none is left. */
    private Uni<Void> compensate(SqlConnection tx, OutboxEvents events, SagaRow row, SagaDefinition saga, int below,
            String why) {
        row.error = why;
        int next = saga.compensableBelow(below);
        if (next < 0) {
            // a compensation an operator skipped never ran: the saga ends resolved by hand, not compensated
            row.end(row.skipped ? SagaState.RESOLVED : SagaState.COMPENSATED);
            ended(row);
            return sagas.update(tx, row);
        }
        row.state = SagaState.COMPENSATING;
        row.next(next, Kind.COMPENSATE, 1);
        return send(tx, events, row, saga);
    }

    /** Sends the row's command now: its log entry, the command through the outbox, and its timeout. */
    private Uni<Void> send(SqlConnection tx, OutboxEvents events, SagaRow row, SagaDefinition saga) {
        StepDefinition step = saga.step(row.step);
        ObjectNode data = row.data.deepCopy();
        data.set("results", row.results);
        SagaCommand command = new SagaCommand(row.id, row.tenant, saga.name(), saga.version(), row.step, step.name(),
                row.kind, row.attempt, row.token, data);
        events.add(Streams.sagaCommands(step.participant()), Envelope.of(EventType.SAGA_COMMAND, row.tenant,
                command.key(), command, null));
        row.awaiting = true;
        row.dueAt = OffsetDateTime.now(ZoneOffset.UTC).plus(step.timeout());
        return sagas.insertAttempt(tx, row, step.name(), step.participant(), command).chain(() -> sagas.update(tx, row));
    }

    private void ended(SagaRow row) {
        ends.computeIfAbsent(row.definition + "/" + row.state, name -> Counter.builder("zhiyue.sagas")
                .tag("definition", row.definition).tag("state", row.state.name()).register(registry)).increment();
    }
}
