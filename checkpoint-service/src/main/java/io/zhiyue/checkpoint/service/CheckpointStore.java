package io.zhiyue.checkpoint.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.zhiyue.checkpoint.config.CheckpointConfig;
import io.zhiyue.checkpoint.model.Checkpoint;
import io.zhiyue.checkpoint.model.CheckpointPage;
import io.zhiyue.checkpoint.model.CheckpointPut;
import io.zhiyue.checkpoint.repository.CheckpointRepository;
import io.zhiyue.checkpoint.repository.CheckpointRepository.NewRow;
import io.zhiyue.checkpoint.repository.CheckpointRepository.Stored;
import io.zhiyue.checkpoint.store.Chain;
import io.zhiyue.checkpoint.store.CheckpointCorruptException;
import io.zhiyue.checkpoint.store.Payload;
import io.zhiyue.checkpoint.store.StateDelta;
import io.zhiyue.checkpoint.store.StateHash;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.event.CheckpointSaveFailed;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.health.DependencyFailures;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Puts and reads checkpoints. A checkpoint whose parent's state is known is stored as an RFC 6902
 * patch from it, unless a snapshot is due ({@code snapshot-every} deltas since the last one) or the
 * patch would be no smaller than the state; a read rebuilds the state from its snapshot and the
 * patches after it and checks the result against the recorded SHA-256, so a broken chain or a
 * changed byte is a {@link CheckpointCorruptException}, never an empty or partial state. The
 * state of each thread's newest checkpoint put here is kept in memory (bounded by size), so the
 * next put, which follows it, diffs against it without reading the chain back; reads always
 * rebuild. Only the newest per thread and namespace: keeping every state put filled the heap with
 * states no put would follow, and its collections set the tail of every put.
 *
 * <p>A save that fails is tried {@code save-retries} times more with backoff; then it is recorded
 * in {@code failed_saves} with a SYSTEM_STATUS event (one transaction) and the caller gets a 503
 * naming it. When PostgreSQL itself is unreachable nothing can be recorded: the save fails at once
 * with a 503 and the caller carries on without checkpoints.
 */
@ApplicationScoped
@Startup // its meters exist from the start, so dashboards and alerts see zeros rather than nothing
public class CheckpointStore {

    /** Namespaces are short names: {@code llm}, {@code embedding}, … */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final int PAGE_MAX = 200;

    /** A full state known to be right (put here, or rebuilt and checked), with where it sits in its chain. */
    private record Known(JsonNode state, int depth, UUID base, int bytes) {
    }

    /** A thread's namespace in a tenant: what the newest state in memory is kept per. */
    private record Line(String tenant, UUID threadId, String namespace) {
    }

    /** The newest checkpoint put here on a line, with its state. */
    private record Newest(UUID id, Known known) {
    }

    private final CheckpointRepository repository;
    private final CheckpointConfig config;
    private final Outbox outbox;
    private final AuditTrail audit;
    private final Payload payloads;
    private final Cache<Line, Newest> newest;
    private final Timer putTimer;
    private final Timer getTimer;
    private final Counter storedBytes;
    private final Counter logicalBytes;
    private final DistributionSummary chainLength;
    private final Counter failedSaves;
    private final Counter putsAfterNewest;
    private final Counter putsLookedUp;

    public CheckpointStore(CheckpointRepository repository, CheckpointConfig config, Outbox outbox,
            MeterRegistry registry, AuditTrail audit) {
        this.audit = audit;
        this.repository = repository;
        this.config = config;
        this.outbox = outbox;
        this.payloads = new Payload(config.compressOverBytes());
        this.newest = Caffeine.newBuilder().maximumWeight(config.cachedStateBytes())
                .weigher((Line line, Newest state) -> state.known().bytes()).build();
        this.putTimer = Timer.builder("zhiyue.checkpoint.put").publishPercentiles(0.5, 0.99).register(registry);
        this.getTimer = Timer.builder("zhiyue.checkpoint.get").publishPercentiles(0.5, 0.99).register(registry);
        this.storedBytes = Counter.builder("zhiyue.checkpoint.bytes").tag("kind", "stored").register(registry);
        this.logicalBytes = Counter.builder("zhiyue.checkpoint.bytes").tag("kind", "logical").register(registry);
        this.chainLength = DistributionSummary.builder("zhiyue.checkpoint.chain.length").register(registry);
        this.failedSaves = Counter.builder("zhiyue.checkpoint.failed.saves").register(registry);
        this.putsAfterNewest = putsBy("memory", registry);
        this.putsLookedUp = putsBy("table", registry);
    }

    /** Puts stored, by where their parent came from: this instance's newest in memory (one statement), or the table. */
    private static Counter putsBy(String parent, MeterRegistry registry) {
        return Counter.builder("zhiyue.checkpoint.puts").tag("parent", parent)
                .description("checkpoints stored, by where the parent they follow came from").register(registry);
    }

    /** What a put came to: the checkpoint, and whether this call created it (false: it was there already). */
    public record Saved(Checkpoint checkpoint, boolean created) {
    }

    public Uni<Saved> put(String tenant, UUID threadId, String namespace, UUID id, CheckpointPut body) {
        Timer.Sample sample = Timer.start();
        checkNamespace(namespace);
        JsonNode state = checkState(body);
        JsonNode metadata = checkMetadata(body == null ? null : body.metadata());
        int size = sizeOf(state);
        if (size > config.maxStateBytes()) {
            throw new ZhiyueException(ErrorCode.PAYLOAD_TOO_LARGE, "the state has " + size
                    + " bytes; a checkpoint holds at most " + config.maxStateBytes());
        }
        // following the newest checkpoint put here (the usual case): diffed against its state in memory
        // and inserted only while it is still the newest, one round trip; else the parent is looked up
        Newest cached = body.parentId() == null ? newest.getIfPresent(new Line(tenant, threadId, namespace)) : null;
        Uni<Saved> saved = cached != null
                ? save(tenant, threadId, namespace, id, new Parent(cached.id(), cached.known()), state, size, metadata, true)
                : parent(tenant, threadId, namespace, body.parentId())
                        .chain(parent -> save(tenant, threadId, namespace, id, parent, state, size, metadata, false));
        return saved.invoke(() -> sample.stop(putTimer));
    }

    public Uni<Checkpoint> get(String tenant, UUID threadId, String namespace, UUID id) {
        checkNamespace(namespace);
        return repository.find(tenant, id).chain(stored -> {
            if (stored == null || !stored.threadId().equals(threadId) || !stored.namespace().equals(namespace)) {
                throw notFound("checkpoint " + id + " of thread " + threadId + " in namespace " + namespace);
            }
            return withState(tenant, stored);
        });
    }

    public Uni<Checkpoint> latest(String tenant, UUID threadId, String namespace) {
        checkNamespace(namespace);
        return repository.latest(tenant, threadId, namespace).chain(stored -> {
            if (stored == null) {
                throw notFound("thread " + threadId + " has no checkpoint in namespace " + namespace);
            }
            return withState(tenant, stored);
        });
    }

    /** Newest first, without states; {@code before} continues after a checkpoint id (a cursor or the caller's). */
    public Uni<CheckpointPage> list(String tenant, UUID threadId, String namespace, UUID before, JsonNode metadata,
            int pageSize) {
        checkNamespace(namespace);
        if (pageSize < 1 || pageSize > PAGE_MAX) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid list parameters",
                    List.of(new FieldError("page_size", "must be between 1 and " + PAGE_MAX)));
        }
        return repository.list(tenant, threadId, namespace, before, metadata, pageSize + 1).map(rows -> {
            boolean more = rows.size() > pageSize;
            List<Checkpoint> page = more ? rows.subList(0, pageSize) : rows;
            return new CheckpointPage(List.copyOf(page), pageSize, more ? page.getLast().id().toString() : null);
        });
    }

    /**
     * A new branch: checkpoint {@code newId} with the state of historic checkpoint {@code from} and
     * {@code from} as its parent. History is not rewritten: later checkpoints of the old branch stay.
     */
    public Uni<Saved> fork(String tenant, UUID threadId, String namespace, UUID from, UUID newId, JsonNode metadata) {
        return get(tenant, threadId, namespace, from).chain(origin -> put(tenant, threadId, namespace, newId,
                new CheckpointPut(from, metadata, origin.state())));
    }

    /** An operator's deletion of a thread's checkpoints, audited with who; 404 when it has none. */
    public Uni<Integer> deleteThread(String tenant, String by, UUID threadId) {
        return outbox.inTransaction((tx, events) -> repository.deleteThread(tx, tenant, threadId).invoke(deleted -> {
            if (deleted == 0) {
                throw notFound("thread " + threadId + " has no checkpoints");
            }
            audit.record(events, tenant, "checkpoints.deleted", "thread", threadId, by,
                    AuditTrail.fields("checkpoints", deleted), null);
        }));
    }

    /** The parent a new checkpoint follows: the one named (it must be of the same thread and namespace), else the latest. */
    private Uni<Parent> parent(String tenant, UUID threadId, String namespace, UUID parentId) {
        Uni<Checkpoint> row = parentId == null ? repository.latest(tenant, threadId, namespace)
                : repository.find(tenant, parentId).invoke(stored -> {
                    if (stored == null || !stored.threadId().equals(threadId) || !stored.namespace().equals(namespace)) {
                        throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid parent", List.of(new FieldError(
                                "parentId", "is not a checkpoint of thread " + threadId + " in " + namespace)));
                    }
                });
        // a parent that cannot be rebuilt must not block every later checkpoint: the new one is a
        // snapshot that still names it as its parent
        return row.chain(stored -> stored == null ? Uni.createFrom().nullItem()
                : known(new Line(tenant, threadId, namespace), stored).map(state -> new Parent(stored.id(), state))
                        .onFailure(CheckpointCorruptException.class).recoverWithItem(failure -> {
                            Log.warnf("checkpoint %s cannot be rebuilt, so its child is stored whole: %s",
                                    stored.id(), failure.getMessage());
                            return new Parent(stored.id(), null);
                        }));
    }

    private record Parent(UUID id, Known known) {
    }

    /** {@code afterNewest}: the parent is the newest checkpoint this instance put on the line, still to be checked. */
    private Uni<Saved> save(String tenant, UUID threadId, String namespace, UUID id, Parent parent, JsonNode state,
            int size, JsonNode metadata, boolean afterNewest) {
        String sha256 = StateHash.of(state);
        byte[] stored = null;
        boolean delta = false;
        int depth = 0;
        UUID base = null;
        // up to snapshot-every deltas follow a snapshot, then the next one is a snapshot again
        if (parent != null && parent.known() != null && !Chain.snapshotDue(parent.known().depth(), config.snapshotEvery())) {
            byte[] patch = bytes(StateDelta.diff(parent.known().state(), state));
            if (patch.length < size) {
                stored = patch;
                delta = true;
                depth = parent.known().depth() + 1;
                base = parent.known().depth() == 0 ? parent.id() : parent.known().base();
            }
        }
        // the state's own JSON bytes only when it is stored whole: a delta's put never holds them
        Payload.Encoded encoded = payloads.encode(stored == null ? bytes(state) : stored);
        NewRow row = new NewRow(id, tenant, threadId, namespace, parent == null ? null : parent.id(),
                metadata, delta, base, depth, encoded.stored(), encoded.compressed(), encoded.rawSize(), size,
                sha256);
        Known now = new Known(state, depth, base, size);
        Line line = new Line(tenant, threadId, namespace);
        return insertRetried(row, afterNewest)
                .onFailure(CheckpointStore::refusedForNow).recoverWithUni(failure -> leftToOperator(row, state, failure))
                // unreachable, not refusing (a PgException is an answer from PostgreSQL, if an unwelcome one)
                .onFailure(failure -> !(failure instanceof PgException) && DependencyFailures.isUnavailable(failure))
                .transform(failure -> new ZhiyueException(
                        ErrorCode.DEPENDENCY_UNAVAILABLE, "PostgreSQL is unavailable: checkpoint " + id
                        + " was not saved; carry on without it"))
                .chain(createdAt -> {
                    if (createdAt == null) {
                        return repository.find(tenant, id).chain(existing -> {
                            if (existing != null || !(afterNewest || row.isDelta())) {
                                return repeated(existing, row);
                            }
                            if (afterNewest) {
                                // the line moved on without this instance's memory (another instance's
                                // checkpoint, a deletion, a put here at the same time): forgotten, and the
                                // put goes the whole way from the newest row in the table
                                newest.invalidate(line);
                                return parent(tenant, threadId, namespace, null).chain(newestParent -> save(tenant,
                                        threadId, namespace, id, newestParent, state, size, metadata, false));
                            }
                            // its base snapshot went while this was diffed: stored whole instead
                            return save(tenant, threadId, namespace, id, new Parent(parent.id(), null), state, size,
                                    metadata, false);
                        });
                    }
                    newest.put(line, new Newest(id, now));
                    (afterNewest ? putsAfterNewest : putsLookedUp).increment();
                    storedBytes.increment(encoded.stored().length);
                    logicalBytes.increment(size);
                    return Uni.createFrom().item(new Saved(new Checkpoint(id, threadId, namespace, row.parentId(),
                            metadata, row.isDelta(), row.baseCheckpointId(), row.deltaDepth(), row.compressed(),
                            row.payload().length, size, sha256, createdAt.withOffsetSameInstant(ZoneOffset.UTC),
                            null), true));
                });
    }

    /**
     * A put whose id is taken: the same checkpoint saved again (same tenant, thread, namespace and
     * state) answers the stored one; anything else is a conflict, never another checkpoint's data.
     */
    private static Uni<Saved> repeated(Checkpoint existing, NewRow row) {
        if (existing == null || !existing.threadId().equals(row.threadId())
                || !existing.namespace().equals(row.namespace()) || !existing.sha256().equals(row.sha256())) {
            throw new ZhiyueException(ErrorCode.DUPLICATE_RECORD, "checkpoint id " + row.id()
                    + " is taken by another checkpoint; a repeated save must send the same thread, namespace and state");
        }
        return Uni.createFrom().item(new Saved(existing, false));
    }

    /**
     * The insert, tried again {@code save-retries} times with backoff when PostgreSQL refused it (a
     * lock timeout, a trigger, a full disk); not when it is unreachable (nothing could be recorded)
     * nor on a bug of ours.
     */
    private Uni<OffsetDateTime> insertRetried(NewRow row, boolean afterNewest) {
        return (afterNewest ? repository.insertAfterNewest(row) : repository.insert(row))
                .onFailure(CheckpointStore::refusedForNow)
                .retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1)).atMost(config.saveRetries());
    }

    /**
     * A refusal that may pass: a lock or statement timeout, a serialisation failure or deadlock, the
     * server out of resources, or an error raised by a trigger. A data error (22xxx: a value that
     * cannot be stored) is the caller's and fails at once.
     */
    static boolean refusedForNow(Throwable failure) {
        if (!(failure instanceof PgException pg) || pg.getSqlState() == null) {
            return false;
        }
        String state = pg.getSqlState();
        return state.equals("55P03") || state.equals("57014") || state.equals("40001") || state.equals("40P01")
                || state.equals("P0001") || state.startsWith("53");
    }

    private Uni<OffsetDateTime> leftToOperator(NewRow row, JsonNode state, Throwable failure) {
        failedSaves.increment();
        int attempts = config.saveRetries() + 1;
        String error = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        Log.errorf("checkpoint %s of thread %s could not be saved after %d attempts; kept for an operator: %s",
                row.id(), row.threadId(), attempts, error);
        CheckpointSaveFailed payload = new CheckpointSaveFailed(CheckpointSaveFailed.STATUS, row.threadId(),
                row.namespace(), row.id(), attempts, error, Instant.now());
        return outbox.inTransaction((tx, events) -> repository.failedSave(tx, row, JsonCodec.write(state), attempts, error)
                        .invoke(() -> events.add(Streams.EVENTS, Envelope.of(EventType.SYSTEM_STATUS, row.tenant(),
                                "checkpoint-save-failed:" + row.id(), payload, null))))
                .map(ignored -> {
                    throw new ZhiyueException(ErrorCode.DEPENDENCY_UNAVAILABLE, "checkpoint " + row.id()
                            + " could not be saved after " + attempts + " attempts (" + error
                            + "); it is kept for an operator in failed_saves");
                });
    }

    private Uni<Checkpoint> withState(String tenant, Checkpoint stored) {
        Timer.Sample sample = Timer.start();
        return state(tenant, stored).map(state -> stored.withState(state.state()))
                .invoke(() -> sample.stop(getTimer));
    }

    /**
     * The state a put diffs against: from memory when the parent is the newest checkpoint put here
     * on its line (a state this instance stored itself), else rebuilt. A read never takes it from
     * memory, so a row changed underneath is found, not hidden.
     */
    private Uni<Known> known(Line line, Checkpoint parent) {
        Newest cached = newest.getIfPresent(line);
        return cached != null && cached.id().equals(parent.id()) ? Uni.createFrom().item(cached.known())
                : state(line.tenant(), parent);
    }

    /** The row's full state, rebuilt from its chain and checked against its hash. */
    private Uni<Known> state(String tenant, Checkpoint checkpoint) {
        // bounded by the row's own depth, not today's setting: a chain written under another stays readable
        return repository.chain(tenant, checkpoint.id(), checkpoint.deltaDepth() + 1).map(rows -> {
            Stored first = rows.isEmpty() ? null : rows.getFirst();
            UUID base = checkpoint.isDelta() ? checkpoint.baseCheckpointId() : checkpoint.id();
            if (first == null || first.checkpoint().isDelta() || !first.checkpoint().id().equals(base)) {
                throw new CheckpointCorruptException(checkpoint.id(), "its chain is broken: snapshot " + base
                        + " is not reachable through its parents");
            }
            List<Chain.Link> links = new ArrayList<>(rows.size() - 1);
            for (Stored link : rows.subList(1, rows.size())) {
                links.add(new Chain.Link(link.checkpoint().id(), parse(link.checkpoint().id(), decode(link)),
                        link.checkpoint().sha256()));
            }
            JsonNode state = Chain.reconstruct(new Chain.Snapshot(first.checkpoint().id(),
                    parse(first.checkpoint().id(), decode(first)), first.checkpoint().sha256()), links);
            chainLength.record(links.size());
            return new Known(state, checkpoint.deltaDepth(), checkpoint.isDelta() ? checkpoint.baseCheckpointId() : null,
                    checkpoint.stateSizeBytes());
        });
    }

    private byte[] decode(Stored stored) {
        return payloads.decode(stored.checkpoint().id(), stored.payload(), stored.checkpoint().isCompressed(),
                stored.payloadRawBytes());
    }

    private static JsonNode parse(UUID id, byte[] json) {
        try {
            return JsonCodec.mapper().readTree(json);
        } catch (IOException e) {
            throw new CheckpointCorruptException(id, "its payload is not JSON: " + e.getMessage(), e);
        }
    }

    /** How many bytes {@link #bytes} gives, counted as they are written rather than kept. */
    private static int sizeOf(JsonNode json) {
        long[] count = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                count[0] += length;
            }
        };
        try {
            JsonCodec.mapper().writeValue(counter, json);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always writes", e);
        }
        return (int) Math.min(Integer.MAX_VALUE, count[0]);
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return JsonCodec.mapper().writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always writes", e);
        }
    }

    private static void checkNamespace(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid namespace", List.of(new FieldError(
                    "namespace", "must be 1 to 64 of a-z, 0-9, '_', '.', '-', starting with a letter or digit")));
        }
    }

    private static JsonNode checkState(CheckpointPut body) {
        if (body == null || body.state() == null || !body.state().isObject()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid checkpoint",
                    List.of(new FieldError("state", "must be a JSON object")));
        }
        return body.state();
    }

    private static JsonNode checkMetadata(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return JsonCodec.mapper().createObjectNode();
        }
        if (!metadata.isObject()) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid checkpoint",
                    List.of(new FieldError("metadata", "must be a JSON object")));
        }
        return metadata;
    }

    private static ZhiyueException notFound(String what) {
        return new ZhiyueException(ErrorCode.RECORD_NOT_FOUND, "no " + what);
    }
}
