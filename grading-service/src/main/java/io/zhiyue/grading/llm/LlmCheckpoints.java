package io.zhiyue.grading.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.checkpoint.Checkpoints;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * The LLM responses of a batch, checkpointed in checkpoint-service (thread = the job, namespace
 * {@code llm.b<batch>}) so a batch delivered again after a crash reuses what it already paid for.
 * A batch's checkpoint holds every final reply it got so far, by the submission asked about; it
 * is put every {@link #FLUSH_EVERY} new replies and before the batch's outcomes are committed.
 * Without a valid checkpoint (none, corrupt, checkpoint-service unreachable) the batch's calls are
 * made again ({@link Checkpoints}).
 */
@ApplicationScoped
public class LlmCheckpoints {

    /** New final replies in a batch between two puts. */
    static final int FLUSH_EVERY = 16;

    /** A final reply and what it came to ({@code ok} or a malformed reason). */
    public record Saved(String reply, String outcome) {
    }

    /**
     * What a batch found when it started: the replies of the checkpoint it resumes from
     * ({@code checkpointId} null: none), and why there is none or why an older one was taken
     * ({@code why}; null when the latest was resumed).
     */
    public record Restored(Map<UUID, Saved> replies, UUID checkpointId, String why) {

        public boolean found() {
            return checkpointId != null;
        }
    }

    private final Checkpoints checkpoints;

    public LlmCheckpoints(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    /** The replies a batch already got, by submission, from its newest valid checkpoint; or none, and why. */
    public Uni<Restored> restore(String tenant, UUID jobId, int batchNo) {
        return checkpoints.restore(tenant, jobId, namespace(batchNo), "batch " + batchNo + "'s LLM replies")
                .map(found -> {
                    if (!found.found()) {
                        return new Restored(Map.of(), null,
                                found.why() == null ? "no checkpoint of its LLM replies" : found.why());
                    }
                    Map<UUID, Saved> saved = read(found.state());
                    Log.infof("batch %d of job %s resumes from checkpoint %s: %d LLM replies there", batchNo, jobId,
                            found.id(), saved.size());
                    return new Restored(saved, found.id(), found.why());
                });
    }

    /** Puts the batch's replies so far as its new checkpoint; a failure is logged and counted, never raised. */
    public Uni<Void> save(String tenant, UUID jobId, int batchNo, Map<UUID, Saved> replies) {
        ObjectNode state = JsonCodec.mapper().createObjectNode();
        state.put("batch", batchNo);
        ObjectNode byId = state.putObject("replies");
        replies.forEach((submission, saved) -> byId.putObject(submission.toString()).put("reply", saved.reply())
                .put("outcome", saved.outcome()));
        return checkpoints.save(tenant, jobId, namespace(batchNo), state, "llm-replies");
    }

    private static Map<UUID, Saved> read(JsonNode state) {
        Map<UUID, Saved> saved = new HashMap<>();
        JsonNode replies = state.path("replies");
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
}
