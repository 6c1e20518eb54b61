package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.e2e.driver.CheckpointIds;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * checkpoint-service behind the gateway, as an operator uses it: a thread's checkpoints put as
 * deltas and snapshots, read back whole, listed newest first page by page, forked, deleted.
 */
class CheckpointEndToEndIT {

    private static final int CHECKPOINTS = 13;
    private static SuiteProcesses suite;
    private static GatewayClient gateway;

    @BeforeAll
    static void startSystem() {
        suite = SuiteProcesses.start("e2e-checkpoint", Devstack.shared(), 1, Map.of());
        gateway = suite.gateway();
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void checkpointServiceIsReady() {
        assertThat(suite.checkpointProcess().readiness()[0]).isEqualTo(200);
    }

    @Test
    void aThreadIsPutReadListedForkedAndDeletedThroughTheGateway() throws Exception {
        UUID thread = UUID.randomUUID();
        String base = "checkpoints/" + thread + "/llm";
        long first = System.currentTimeMillis();
        List<UUID> ids = new ArrayList<>();
        List<JsonNode> states = new ArrayList<>();
        List<JsonNode> saved = new ArrayList<>();
        for (int i = 0; i < CHECKPOINTS; i++) {
            UUID id = CheckpointIds.at(first + i);
            JsonNode state = state(i);
            ids.add(id);
            states.add(state);
            saved.add(gateway.putJson(base + "/" + id,
                    Map.of("state", state, "metadata", Map.of("step", Integer.toString(i + 1))), 201));
        }

        // a snapshot first, deltas after it, a snapshot again once the chain is long enough, then a delta from it
        assertThat(saved.get(0).path("isDelta").asBoolean()).isFalse();
        assertThat(saved.get(1).path("isDelta").asBoolean()).isTrue();
        int lastSnapshot = -1;
        for (int i = 1; i < CHECKPOINTS; i++) {
            JsonNode checkpoint = saved.get(i);
            assertThat(checkpoint.path("id").asText()).isEqualTo(ids.get(i).toString());
            assertThat(checkpoint.path("parentId").asText()).isEqualTo(ids.get(i - 1).toString());
            if (checkpoint.path("isDelta").asBoolean()) {
                assertThat(checkpoint.path("dataSizeBytes").asInt()).isLessThan(checkpoint.path("stateSizeBytes").asInt());
            } else {
                lastSnapshot = i;
            }
        }
        assertThat(lastSnapshot).as("a snapshot after deltas").isBetween(2, CHECKPOINTS - 2);
        JsonNode afterSnapshot = saved.get(lastSnapshot + 1);
        assertThat(afterSnapshot.path("isDelta").asBoolean()).isTrue();
        assertThat(afterSnapshot.path("baseCheckpointId").asText()).isEqualTo(ids.get(lastSnapshot).toString());

        // the same id again stores nothing new
        JsonNode again = gateway.putJson(base + "/" + ids.getLast(), Map.of("state", states.getLast()), 200);
        assertThat(again.path("id").asText()).isEqualTo(ids.getLast().toString());

        // read back whole: the latest, a delta deep in the first chain, the snapshot after it
        JsonNode latest = gateway.getJson(base + "/latest");
        assertThat(latest.path("id").asText()).isEqualTo(ids.getLast().toString());
        assertThat(latest.path("state")).isEqualTo(states.getLast());
        for (int i : new int[] {4, lastSnapshot - 1, lastSnapshot}) {
            JsonNode older = gateway.getJson(base + "/" + ids.get(i));
            assertThat(older.path("id").asText()).isEqualTo(ids.get(i).toString());
            assertThat(older.path("state")).as("state of checkpoint %d", i).isEqualTo(states.get(i));
            assertThat(older.path("sha256").asText()).isEqualTo(saved.get(i).path("sha256").asText());
        }

        // newest first, five at a time, by the cursor; no states in lists
        List<String> listed = new ArrayList<>();
        JsonNode page = gateway.getJson(base + "?page_size=5");
        int pages = 1;
        while (true) {
            assertThat(page.path("items").size()).isLessThanOrEqualTo(5);
            for (JsonNode item : page.path("items")) {
                assertThat(item.has("state")).isFalse();
                listed.add(item.path("id").asText());
            }
            if (page.path("nextCursor").isNull() || page.path("nextCursor").isMissingNode()) {
                break;
            }
            page = gateway.getJson(base + "?page_size=5&cursor=" + page.path("nextCursor").asText());
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(listed).containsExactlyElementsOf(ids.reversed().stream().map(UUID::toString).toList());
        JsonNode third = gateway.getJson(base + "?filter%5Bmetadata.step%5D=3");
        assertThat(third.path("items")).hasSize(1);
        assertThat(third.path("items").get(0).path("id").asText()).isEqualTo(ids.get(2).toString());

        // a fork from the third: a new checkpoint with its state, the old branch untouched
        JsonNode fork = gateway.postJson(base + "/" + ids.get(2) + "/fork",
                Map.of("metadata", Map.of("branch", "retry")), 201);
        assertThat(fork.path("parentId").asText()).isEqualTo(ids.get(2).toString());
        JsonNode forked = gateway.getJson(base + "/" + fork.path("id").asText());
        assertThat(forked.path("state")).isEqualTo(states.get(2));
        assertThat(forked.path("metadata").path("branch").asText()).isEqualTo("retry");
        assertThat(gateway.getJson(base + "/" + ids.getLast()).path("state")).isEqualTo(states.getLast());

        // the thread deleted: nothing left, and saying so is a problem
        gateway.delete("checkpoints/" + thread, 204);
        HttpResponse<String> gone = HttpClient.newHttpClient().send(gateway.authorize(HttpRequest.newBuilder(
                gateway.base().resolve("api/v1/" + base + "/latest"))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JsonCodec.mapper().readTree(gone.body()).path("code").asText()).isEqualTo("RECORD_NOT_FOUND");
    }

    /** A marking run's state after {@code step + 1} answers: a fixed part and one more answer each time. */
    private static JsonNode state(int step) {
        ObjectNode state = JsonCodec.mapper().createObjectNode();
        state.put("stage", "llm");
        state.put("prompt", "根据评分细则给出分数并引用答案原文。".repeat(40));
        state.put("answered", step + 1);
        ObjectNode answers = state.putObject("answers");
        for (int i = 0; i <= step; i++) {
            ObjectNode answer = answers.putObject("answer-" + i);
            answer.put("score", i % 5);
            answer.put("response", "{\"points\":[{\"id\":\"kw\",\"awarded\":" + (i % 2 == 0) + "}],\"score\":" + i % 5 + "}");
        }
        return state;
    }
}
