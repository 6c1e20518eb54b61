package io.zhiyue.grading.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The LLM responses of a batch, checkpointed in checkpoint-service (thread = the job, namespace
 * {@code llm.b<batch>}) so a batch delivered again after a crash reuses what it already paid for.
 * A batch's checkpoint holds every final reply it got so far, by the submission asked about; it
 * is put every {@link #FLUSH_EVERY} new replies and before the batch's outcomes are committed.
 *
 * <p>checkpoint-service is help, not a dependency: when it cannot be reached, or a checkpoint is
 * missing or corrupt, marking goes on without (the batch's calls are made again), and the
 * decision is logged and counted ({@code zhiyue.llm.checkpoints{outcome}}); {@link #degraded()}
 * says whether the last call failed, for the readiness details.
 */
@ApplicationScoped
public class LlmCheckpoints {

    /** New final replies in a batch between two puts. */
    static final int FLUSH_EVERY = 16;
    private static final Duration CALL_LIMIT = Duration.ofSeconds(3);

    /** A final reply and what it came to ({@code ok} or a malformed reason). */
    public record Saved(String reply, String outcome) {
    }

    /**
     * What a batch found when it started: the replies of its latest checkpoint ({@code checkpointId}
     * null: none), or why there are none to resume from ({@code missing}: null when resumable or a
     * plain first delivery).
     */
    public record Restored(Map<UUID, Saved> replies, UUID checkpointId, String missing) {

        static Restored none(String missing) {
            return new Restored(Map.of(), null, missing);
        }

        public boolean found() {
            return checkpointId != null;
        }
    }

    private final CheckpointApi api;
    private final MeterRegistry registry;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();

    public LlmCheckpoints(@RestClient CheckpointApi api, MeterRegistry registry) {
        this.api = api;
        this.registry = registry;
    }

    public boolean degraded() {
        return degraded.get();
    }

    /**
     * The replies a batch already got, by submission: resumed from its latest checkpoint, or none
     * (no checkpoint: a first delivery, or one that crashed before its first; a corrupt one or
     * checkpoint-service unreachable: the unfinished part starts again).
     */
    public Uni<Restored> restore(String tenant, UUID jobId, int batchNo) {
        return api.latest(tenant, jobId, namespace(batchNo)).ifNoItem().after(CALL_LIMIT).fail()
                .map(response -> {
                    int status = response.getStatus();
                    // a 5xx (its database down) is checkpoint-service unable to help, like no answer at all
                    degraded.set(status >= 500);
                    if (status == 404) {
                        return Restored.none("no checkpoint of its LLM replies");
                    }
                    if (status != 200) {
                        count("restarted");
                        String why = status == 409 ? "its checkpoint is corrupt" : "its checkpoint answered " + status;
                        Log.warnf("batch %d of job %s restarts its LLM calls: %s", batchNo, jobId, why);
                        return Restored.none(why);
                    }
                    JsonNode checkpoint = JsonCodec.read(response.readEntity(String.class), JsonNode.class);
                    Map<UUID, Saved> saved = read(checkpoint);
                    count("resumed");
                    Log.infof("batch %d of job %s resumes from its checkpoint: %d LLM replies reused", batchNo, jobId,
                            saved.size());
                    return new Restored(saved, UUID.fromString(checkpoint.path("id").asText()), null);
                })
                .onFailure().recoverWithItem(failure -> {
                    unreachable(failure);
                    return Restored.none("checkpoint-service is unreachable");
                });
    }

    /** Puts the batch's replies so far as its new checkpoint; a failure is logged and counted, never raised. */
    public Uni<Void> save(String tenant, UUID jobId, int batchNo, Map<UUID, Saved> replies) {
        ObjectNode state = JsonCodec.mapper().createObjectNode();
        state.put("batch", batchNo);
        ObjectNode byId = state.putObject("replies");
        replies.forEach((submission, saved) -> byId.putObject(submission.toString()).put("reply", saved.reply())
                .put("outcome", saved.outcome()));
        String body = JsonCodec.write(Map.of("state", state, "metadata", Map.of("kind", "llm-replies")));
        return api.put(tenant, jobId, namespace(batchNo), UUID.randomUUID(), body).ifNoItem().after(CALL_LIMIT).fail()
                .invoke(response -> {
                    degraded.set(response.getStatus() >= 500);
                    if (response.getStatus() >= 300) {
                        count("save-refused");
                        Log.warnf("the checkpoint of batch %d of job %s was refused (%d)", batchNo, jobId,
                                response.getStatus());
                    } else {
                        count("saved");
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    unreachable(failure);
                    return null;
                });
    }

    private void unreachable(Throwable failure) {
        degraded.set(true);
        count("unreachable");
        Log.warnf("checkpoint-service is unreachable, marking goes on without checkpoints: %s", failure.toString());
    }

    private static Map<UUID, Saved> read(JsonNode checkpoint) {
        Map<UUID, Saved> saved = new HashMap<>();
        JsonNode replies = checkpoint.path("state").path("replies");
        Iterator<Map.Entry<String, JsonNode>> fields = replies.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            saved.put(UUID.fromString(field.getKey()), new Saved(field.getValue().path("reply").asText(null),
                    field.getValue().path("outcome").asText("")));
        }
        return saved;
    }

    static String namespace(int batchNo) {
        return "llm.b" + batchNo;
    }

    private void count(String outcome) {
        counters.computeIfAbsent(outcome, name -> Counter.builder("zhiyue.llm.checkpoints").tag("outcome", name)
                .register(registry)).increment();
    }
}
