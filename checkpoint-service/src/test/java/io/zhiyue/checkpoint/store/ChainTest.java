package io.zhiyue.checkpoint.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChainTest {

    /** A snapshot, the links after it and every state along the way, built the way the store builds them. */
    private record History(Chain.Snapshot snapshot, List<Chain.Link> links, List<JsonNode> states) {
    }

    @Test
    void aSnapshotAndItsDeltasRebuildEveryStateAlongTheChain() {
        for (long seed = 1; seed <= 200; seed++) {
            History history = history(seed, 1 + (int) (seed % 12));
            for (int n = 0; n <= history.links().size(); n++) {
                JsonNode rebuilt = Chain.reconstruct(history.snapshot(), history.links().subList(0, n));
                assertThat(rebuilt).as("seed %d, %d deltas", seed, n).isEqualTo(history.states().get(n));
            }
        }
    }

    @Test
    void aDeltaThatReplacesTheWholeStateIsFollowedByDeltasOnTheNewState() {
        ObjectNode first = JsonCodec.mapper().createObjectNode().put("a", 1);
        // a key holding "~1" is stored as a whole-state replace (StateDelta's zjsonpatch workaround)
        ObjectNode second = first.deepCopy().put("x~1y", 2);
        ObjectNode third = second.deepCopy().put("a", 3);
        JsonNode replaceWhole = StateDelta.diff(first, second);
        assertThat(replaceWhole.get(0).get("path").asText()).isEmpty();
        Chain.Snapshot snapshot = new Chain.Snapshot(UUID.randomUUID(), first, StateHash.of(first));
        List<Chain.Link> links = List.of(new Chain.Link(UUID.randomUUID(), replaceWhole, StateHash.of(second)),
                new Chain.Link(UUID.randomUUID(), StateDelta.diff(second, third), StateHash.of(third)));
        assertThat(Chain.reconstruct(snapshot, links.subList(0, 1))).isEqualTo(second);
        assertThat(Chain.reconstruct(snapshot, links)).isEqualTo(third);
        assertThat(first).isEqualTo(JsonCodec.mapper().createObjectNode().put("a", 1));
        assertThat(replaceWhole.get(0).get("value")).isEqualTo(second);
    }

    @Test
    void aSnapshotAloneIsItsOwnState() {
        History history = history(1, 0);
        assertThat(Chain.reconstruct(history.snapshot(), List.of())).isEqualTo(history.states().getFirst());
    }

    @Test
    void aTamperedDeltaIsReportedAgainstTheTarget() {
        History history = markingHistory(6);
        List<Chain.Link> links = new ArrayList<>(history.links());
        Chain.Link third = links.get(2);
        // still a patch that applies, and later ones apply after it: only the target's hash can tell
        JsonNode tampered = third.patch().deepCopy();
        ((ObjectNode) tampered.get(0).get("value")).put("score", 99);
        links.set(2, new Chain.Link(third.checkpointId(), tampered, third.sha256()));

        UUID target = links.getLast().checkpointId();
        assertThatThrownBy(() -> Chain.reconstruct(history.snapshot(), links))
                .isInstanceOfSatisfying(CheckpointCorruptException.class, e -> {
                    assertThat(e.checkpointId()).isEqualTo(target);
                    assertThat(e.reason()).contains(history.snapshot().checkpointId().toString());
                });
        assertThat(Chain.reconstruct(history.snapshot(), history.links())).isEqualTo(history.states().getLast());
    }

    @Test
    void aDeltaThatDoesNotApplyIsReportedAgainstItself() {
        History history = history(43, 5);
        List<Chain.Link> links = new ArrayList<>(history.links());
        Chain.Link second = links.get(1);
        ArrayNode broken = JsonCodec.mapper().createArrayNode();
        broken.addObject().put("op", "remove").put("path", "/no/such/path");
        links.set(1, new Chain.Link(second.checkpointId(), broken, second.sha256()));

        assertThatThrownBy(() -> Chain.reconstruct(history.snapshot(), links))
                .isInstanceOfSatisfying(CheckpointCorruptException.class, e -> {
                    assertThat(e.checkpointId()).isEqualTo(second.checkpointId());
                    assertThat(e.reason()).contains("does not apply");
                });
    }

    @Test
    void aDeltaThatIsNotAPatchIsReportedAgainstItself() {
        History history = history(44, 3);
        List<Chain.Link> links = new ArrayList<>(history.links());
        Chain.Link first = links.getFirst();
        links.set(0, new Chain.Link(first.checkpointId(), JsonCodec.mapper().createObjectNode(), first.sha256()));
        assertThatThrownBy(() -> Chain.reconstruct(history.snapshot(), links))
                .isInstanceOfSatisfying(CheckpointCorruptException.class,
                        e -> assertThat(e.checkpointId()).isEqualTo(first.checkpointId()));
    }

    @Test
    void aWrongExpectedHashIsReportedAgainstTheTarget() {
        History history = history(45, 4);
        List<Chain.Link> links = new ArrayList<>(history.links());
        Chain.Link last = links.getLast();
        links.set(links.size() - 1, new Chain.Link(last.checkpointId(), last.patch(), "0".repeat(64)));
        assertThatThrownBy(() -> Chain.reconstruct(history.snapshot(), links))
                .isInstanceOfSatisfying(CheckpointCorruptException.class, e -> {
                    assertThat(e.checkpointId()).isEqualTo(last.checkpointId());
                    assertThat(e.getMessage()).contains(last.checkpointId().toString()).contains("0".repeat(64));
                });
    }

    @Test
    void aSnapshotThatDoesNotMatchItsHashIsReportedAgainstTheSnapshot() {
        History history = history(46, 3);
        Chain.Snapshot snapshot = history.snapshot();
        ObjectNode damaged = JsonCodec.mapper().createObjectNode().put("damaged", true);
        Chain.Snapshot bad = new Chain.Snapshot(snapshot.checkpointId(), damaged, snapshot.sha256());
        assertThatThrownBy(() -> Chain.reconstruct(bad, history.links()))
                .isInstanceOfSatisfying(CheckpointCorruptException.class,
                        e -> assertThat(e.checkpointId()).isEqualTo(snapshot.checkpointId()));
        assertThatThrownBy(() -> Chain.reconstruct(bad, List.of()))
                .isInstanceOf(CheckpointCorruptException.class);
    }

    @Test
    void reconstructionLeavesTheSnapshotAndThePatchesUntouched() {
        History history = history(47, 5);
        JsonNode snapshotBefore = history.snapshot().state().deepCopy();
        List<JsonNode> patchesBefore = history.links().stream().<JsonNode>map(link -> link.patch().deepCopy()).toList();
        Chain.reconstruct(history.snapshot(), history.links());
        assertThat(history.snapshot().state()).isEqualTo(snapshotBefore);
        assertThat(history.links().stream().map(Chain.Link::patch).toList()).isEqualTo(patchesBefore);
    }

    @Test
    void aSnapshotIsDueEveryNDeltas() {
        assertThat(Chain.snapshotDue(0, 3)).isFalse();
        assertThat(Chain.snapshotDue(2, 3)).isFalse();
        assertThat(Chain.snapshotDue(3, 3)).isTrue();
        assertThat(Chain.snapshotDue(7, 3)).isTrue();
        assertThat(Chain.snapshotDue(0, 0)).as("0 stores every checkpoint whole").isTrue();
        assertThatThrownBy(() -> Chain.snapshotDue(-1, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Chain.snapshotDue(1, -3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void followingSnapshotDueKeepsEveryChainWithinNDeltas() {
        int snapshotEvery = 4;
        int deltasSinceSnapshot = 0;
        int longest = 0;
        for (int i = 0; i < 50; i++) {
            if (Chain.snapshotDue(deltasSinceSnapshot, snapshotEvery)) {
                deltasSinceSnapshot = 0;
            } else {
                deltasSinceSnapshot++;
            }
            longest = Math.max(longest, deltasSinceSnapshot);
        }
        assertThat(longest).isEqualTo(snapshotEvery);
    }

    /** A marking run: each checkpoint records one more LLM response. */
    private static History markingHistory(int deltas) {
        ObjectNode state = JsonCodec.mapper().createObjectNode();
        state.putObject("responses");
        List<JsonNode> states = new ArrayList<>(List.of(state));
        Chain.Snapshot snapshot = new Chain.Snapshot(UUID.randomUUID(), state, StateHash.of(state));
        List<Chain.Link> links = new ArrayList<>();
        for (int i = 0; i < deltas; i++) {
            ObjectNode next = state.deepCopy();
            ((ObjectNode) next.get("responses")).putObject("answer-" + i).put("score", i % 5).put("reason", "要点 " + i);
            links.add(new Chain.Link(UUID.randomUUID(), StateDelta.diff(state, next), StateHash.of(next)));
            states.add(next);
            state = next;
        }
        return new History(snapshot, links, states);
    }

    private static History history(long seed, int deltas) {
        RandomJson json = new RandomJson(seed);
        JsonNode state = json.tree();
        List<JsonNode> states = new ArrayList<>(List.of(state));
        Chain.Snapshot snapshot = new Chain.Snapshot(UUID.randomUUID(), state, StateHash.of(state));
        List<Chain.Link> links = new ArrayList<>();
        for (int i = 0; i < deltas; i++) {
            JsonNode next = json.mutate(state);
            links.add(new Chain.Link(UUID.randomUUID(), StateDelta.diff(state, next), StateHash.of(next)));
            states.add(next);
            state = next;
        }
        return new History(snapshot, links, states);
    }
}
