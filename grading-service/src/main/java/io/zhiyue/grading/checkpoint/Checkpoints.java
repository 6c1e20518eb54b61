package io.zhiyue.grading.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The marking pipeline's checkpoints in checkpoint-service (thread = the job, or the question of
 * an embedding stage; one namespace per piece of work): the newest <em>valid</em> checkpoint to
 * resume from, and puts.
 *
 * <p>checkpoint-service is help, not a dependency: when it cannot be reached, or has nothing
 * valid, the work starts again without, and the decision is logged and counted
 * ({@code zhiyue.checkpoints{outcome}}); {@link #degraded()} says whether the last call failed, for
 * the readiness details. A corrupt latest checkpoint is not the end: the newest of the
 * {@value #FALLBACK_DEPTH} before it that reads back whole is resumed from instead.
 */
@ApplicationScoped
public class Checkpoints {

    /** Checkpoints before a corrupt latest one that are tried, newest first. */
    static final int FALLBACK_DEPTH = 5;

    /**
     * What a piece of work found when it started: checkpoint {@code id} with its {@code state}, or
     * none ({@code id} null). {@code why} says why there is nothing to resume from (corrupt,
     * unreachable), or why an older checkpoint than the latest was resumed from; null for the plain
     * cases: the latest resumed, or none at all yet.
     */
    public record Found(UUID id, JsonNode state, String why) {

        static Found none(String why) {
            return new Found(null, null, why);
        }

        public boolean found() {
            return id != null;
        }
    }

    private final CheckpointApi api;
    private final MeterRegistry registry;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public Checkpoints(@RestClient CheckpointApi api, MeterRegistry registry) {
        this.api = api;
        this.registry = registry;
    }

    public boolean degraded() {
        return degraded.get();
    }

    /**
     * The newest valid checkpoint of the namespace ({@code what} names the work in the reasons):
     * the latest; past a corrupt latest, the newest older one that reads back; else none, and why.
     */
    public Uni<Found> restore(String tenant, UUID threadId, String namespace, String what) {
        return api.latest(tenant, threadId, namespace).chain(response -> {
            int status = answered(response);
            if (status == 200) {
                count("resumed");
                return Uni.createFrom().item(found(response, null));
            }
            if (status == 404) {
                return Uni.createFrom().item(Found.none(null));
            }
            if (status == 409) {
                String corrupt = corruptId(response);
                Log.warnf("the latest checkpoint %s of %s (%s) is corrupt; trying the ones before it", corrupt,
                        what, namespace);
                return fallBack(tenant, threadId, namespace, what, corrupt);
            }
            return Uni.createFrom().item(restarted(what, "checkpoint-service answered " + status));
        }).onFailure().recoverWithItem(failure -> {
            unreachable(failure);
            return Found.none("checkpoint-service is unreachable");
        });
    }

    /** Puts {@code state} as the namespace's new checkpoint; a failure is logged and counted, never raised. */
    public Uni<Void> save(String tenant, UUID threadId, String namespace, JsonNode state, String kind) {
        String body = JsonCodec.write(Map.of("state", state, "metadata", Map.of("kind", kind)));
        return api.put(tenant, threadId, namespace, UUID.randomUUID(), body)
                .invoke(response -> {
                    int status = answered(response);
                    if (status >= 300) {
                        count("save-refused");
                        Log.warnf("the checkpoint of %s (%s) of %s was refused (%d)", namespace, kind, threadId,
                                status);
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

    private Uni<Found> fallBack(String tenant, UUID threadId, String namespace, String what, String corrupt) {
        return api.newest(tenant, threadId, namespace, FALLBACK_DEPTH + 1).chain(response -> {
            if (answered(response) != 200) {
                return Uni.createFrom().item(restarted(what, "its checkpoint " + corrupt + " is corrupt"));
            }
            List<UUID> older = new ArrayList<>();
            for (JsonNode item : JsonCodec.read(response.readEntity(String.class), JsonNode.class).path("items")) {
                String id = item.path("id").asText();
                if (!id.equals(corrupt)) {
                    older.add(UUID.fromString(id));
                }
            }
            return firstValid(tenant, threadId, namespace, what, corrupt, older, 0);
        });
    }

    private Uni<Found> firstValid(String tenant, UUID threadId, String namespace, String what, String corrupt,
            List<UUID> older, int at) {
        if (at == older.size()) {
            return Uni.createFrom().item(restarted(what, "its checkpoint " + corrupt + " is corrupt and no "
                    + "checkpoint before it reads back whole"));
        }
        return api.get(tenant, threadId, namespace, older.get(at)).chain(response -> {
            int status = answered(response);
            if (status == 200) {
                count("resumed-older");
                return Uni.createFrom().item(found(response, "its latest checkpoint " + corrupt
                        + " is corrupt; resumed from the newest valid one before it"));
            }
            if (status == 409) {
                return firstValid(tenant, threadId, namespace, what, corrupt, older, at + 1);
            }
            return Uni.createFrom().item(restarted(what, "its checkpoint " + corrupt + " is corrupt"));
        });
    }

    /** The answer's status; a 5xx is checkpoint-service unable to help, like no answer at all. */
    private int answered(Response response) {
        degraded.set(response.getStatus() >= 500);
        return response.getStatus();
    }

    private Found found(Response response, String why) {
        JsonNode checkpoint = JsonCodec.read(response.readEntity(String.class), JsonNode.class);
        return new Found(UUID.fromString(checkpoint.path("id").asText()), checkpoint.path("state"), why);
    }

    private Found restarted(String what, String why) {
        count("restarted");
        Log.warnf("%s starts again: %s", what, why);
        return Found.none(why);
    }

    /** The id a CHECKPOINT_CORRUPT problem names (its {@code checkpointId} error). */
    private static String corruptId(Response response) {
        for (JsonNode error : JsonCodec.read(response.readEntity(String.class), JsonNode.class).path("errors")) {
            if ("checkpointId".equals(error.path("field").asText())) {
                return error.path("message").asText();
            }
        }
        return "(unnamed)";
    }

    private void unreachable(Throwable failure) {
        degraded.set(true);
        count("unreachable");
        Log.warnf("checkpoint-service is unreachable, marking goes on without checkpoints: %s", failure.toString());
    }

    private void count(String outcome) {
        counters.computeIfAbsent(outcome, name -> Counter.builder("zhiyue.checkpoints").tag("outcome", name)
                .register(registry)).increment();
    }
}
