package io.zhiyue.checkpoint.store;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionPlanTest {

    private static final int SEEDS = 400;
    private static final Instant START = Instant.parse("2025-03-01T08:00:00Z");

    /** One stored checkpoint of a generated thread: its row, and what the store would hold for it. */
    private record Stored(RetentionPlan.Row row, JsonNode state, JsonNode patch, String sha256) {
    }

    @Test
    void randomHistoriesKeepTheNewestAndEveryChainTheyNeedAndNothingElse() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            Random random = new Random(seed);
            Map<UUID, Stored> thread = thread(seed, random);
            List<RetentionPlan.Row> rows = new ArrayList<>(thread.values().stream().map(Stored::row).toList());
            Collections.shuffle(rows, random);
            int keep = random.nextInt(rows.size() + 3);

            RetentionPlan plan = RetentionPlan.of(rows, keep);

            Set<UUID> all = new HashSet<>(thread.keySet());
            Set<UUID> both = new HashSet<>(plan.kept());
            both.retainAll(plan.deleted());
            assertThat(both).as("seed %d: kept and deleted", seed).isEmpty();
            Set<UUID> union = new HashSet<>(plan.kept());
            union.addAll(plan.deleted());
            assertThat(union).as("seed %d", seed).isEqualTo(all);

            List<UUID> newest = newestFirst(rows).stream().limit(keep).map(RetentionPlan.Row::id).toList();
            assertThat(plan.kept()).as("seed %d: the newest %d", seed, keep).containsAll(newest);

            Set<UUID> needed = new HashSet<>(newest);
            for (UUID id : plan.kept()) {
                List<UUID> chain = chainIds(id, thread);
                assertThat(plan.kept()).as("seed %d: the chain of kept %s", seed, id).containsAll(chain);
            }
            newest.forEach(id -> needed.addAll(chainIds(id, thread)));
            assertThat(plan.kept()).as("seed %d: only the newest and their chains", seed).isEqualTo(needed);

            assertEveryKeptCheckpointStillReads(seed, thread, plan.kept());
        }
    }

    @Test
    void keepingNoneDeletesEverythingAndKeepingMoreThanThereAreDeletesNothing() {
        Map<UUID, Stored> thread = thread(3, new Random(3));
        List<RetentionPlan.Row> rows = thread.values().stream().map(Stored::row).toList();
        assertThat(RetentionPlan.of(rows, 0).deleted()).isEqualTo(thread.keySet());
        assertThat(RetentionPlan.of(rows, rows.size() + 5).deleted()).isEmpty();
        assertThat(RetentionPlan.of(List.of(), 3)).isEqualTo(new RetentionPlan(Set.of(), Set.of()));
    }

    @Test
    void aKeptDeltaOnABranchKeepsTheSharedStemUpToItsSnapshot() {
        UUID s = id(1), d1 = id(2), d2 = id(3), mainTip = id(4), fork = id(5);
        List<RetentionPlan.Row> rows = List.of(
                new RetentionPlan.Row(s, null, null, false, at(0)),
                new RetentionPlan.Row(d1, s, s, true, at(1)),
                new RetentionPlan.Row(d2, d1, s, true, at(2)),
                new RetentionPlan.Row(mainTip, d2, s, true, at(3)),
                // forked from d1 after the main line went on
                new RetentionPlan.Row(fork, d1, s, true, at(4)));
        RetentionPlan plan = RetentionPlan.of(rows, 1);
        assertThat(plan.kept()).containsExactlyInAnyOrder(fork, d1, s);
        assertThat(plan.deleted()).containsExactlyInAnyOrder(d2, mainTip);
    }

    @Test
    void aNewerSnapshotLetsTheOldChainGo() {
        UUID s1 = id(1), d1 = id(2), s2 = id(3), d2 = id(4);
        List<RetentionPlan.Row> rows = List.of(
                new RetentionPlan.Row(s1, null, null, false, at(0)),
                new RetentionPlan.Row(d1, s1, s1, true, at(1)),
                new RetentionPlan.Row(s2, d1, null, false, at(2)),
                new RetentionPlan.Row(d2, s2, s2, true, at(3)));
        assertThat(RetentionPlan.of(rows, 2).deleted()).containsExactlyInAnyOrder(s1, d1);
    }

    @Test
    void tiesOnCreatedAtAreBrokenById() {
        UUID s = id(1), low = id(2), high = id(3);
        List<RetentionPlan.Row> rows = List.of(
                new RetentionPlan.Row(s, null, null, false, at(0)),
                new RetentionPlan.Row(low, s, null, false, at(5)),
                new RetentionPlan.Row(high, s, null, false, at(5)));
        assertThat(RetentionPlan.of(rows, 1).kept()).containsExactly(high);
    }

    @Test
    void aChainThatIsAlreadyBrokenKeepsWhatIsLeftOfIt() {
        UUID s = id(1), gone = id(2), d2 = id(3), d3 = id(4);
        List<RetentionPlan.Row> rows = List.of(
                new RetentionPlan.Row(s, null, null, false, at(0)),
                new RetentionPlan.Row(d2, gone, s, true, at(2)),
                new RetentionPlan.Row(d3, d2, s, true, at(3)));
        assertThat(RetentionPlan.of(rows, 1).deleted()).isEmpty();
    }

    @Test
    void badInputIsRejected() {
        RetentionPlan.Row row = new RetentionPlan.Row(id(1), null, null, false, at(0));
        assertThatThrownBy(() -> RetentionPlan.of(List.of(row, row), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetentionPlan.of(List.of(row), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A thread as the store would write it: linear or forked, a snapshot whenever
     * {@link Chain#snapshotDue} says so, some rows sharing a timestamp; insertion order = creation order.
     */
    private static Map<UUID, Stored> thread(long seed, Random random) {
        RandomJson json = new RandomJson(seed);
        int size = 1 + random.nextInt(40);
        int snapshotEvery = random.nextInt(6);
        double forkChance = random.nextBoolean() ? 0 : 0.3;
        Map<UUID, Stored> thread = new LinkedHashMap<>();
        Map<UUID, Integer> deltasSinceSnapshot = new HashMap<>();
        List<UUID> created = new ArrayList<>();
        Instant clock = START;
        for (int i = 0; i < size; i++) {
            UUID id = UUID.randomUUID();
            clock = random.nextInt(5) == 0 ? clock : clock.plusMillis(1 + random.nextInt(1_000));
            Stored parent = created.isEmpty() ? null
                    : thread.get(random.nextDouble() < forkChance ? created.get(random.nextInt(created.size())) : created.getLast());
            JsonNode state = parent == null ? json.tree() : json.mutate(parent.state());
            // the generator keeps every state to build children from and to check reads; the store keeps snapshots' only
            Stored stored;
            if (parent == null || Chain.snapshotDue(deltasSinceSnapshot.get(parent.row().id()), snapshotEvery)) {
                UUID parentId = parent == null ? null : parent.row().id();
                stored = new Stored(new RetentionPlan.Row(id, parentId, null, false, clock), state, null, StateHash.of(state));
                deltasSinceSnapshot.put(id, 0);
            } else {
                RetentionPlan.Row p = parent.row();
                UUID base = p.isDelta() ? p.baseCheckpointId() : p.id();
                stored = new Stored(new RetentionPlan.Row(id, p.id(), base, true, clock),
                        state, StateDelta.diff(parent.state(), state), StateHash.of(state));
                deltasSinceSnapshot.put(id, deltasSinceSnapshot.get(p.id()) + 1);
            }
            thread.put(id, stored);
            created.add(id);
        }
        return thread;
    }

    /** The rows a checkpoint is read from, walking parent links to its base snapshot (itself excluded). */
    private static List<UUID> chainIds(UUID id, Map<UUID, Stored> thread) {
        List<UUID> chain = new ArrayList<>();
        RetentionPlan.Row row = thread.get(id).row();
        while (row.isDelta()) {
            row = thread.get(row.parentId()).row();
            chain.add(row.id());
        }
        return chain;
    }

    /** Reads every kept checkpoint back from the kept rows alone, the way the store will. */
    private static void assertEveryKeptCheckpointStillReads(long seed, Map<UUID, Stored> thread, Set<UUID> kept) {
        for (UUID id : kept) {
            List<Chain.Link> links = new ArrayList<>();
            Stored current = thread.get(id);
            while (current.row().isDelta()) {
                links.addFirst(new Chain.Link(current.row().id(), current.patch(), current.sha256()));
                UUID parentId = current.row().parentId();
                assertThat(kept).as("seed %d: %s needs %s", seed, id, parentId).contains(parentId);
                current = thread.get(parentId);
            }
            Stored snapshot = current;
            assertThat(snapshot.row().id()).isEqualTo(thread.get(id).row().isDelta() ? thread.get(id).row().baseCheckpointId() : id);
            JsonNode read = Chain.reconstruct(new Chain.Snapshot(snapshot.row().id(), snapshot.state(), snapshot.sha256()), links);
            assertThat(read).as("seed %d: %s", seed, id).isEqualTo(thread.get(id).state());
        }
    }

    private static List<RetentionPlan.Row> newestFirst(List<RetentionPlan.Row> rows) {
        return rows.stream()
                .sorted(Comparator.comparing(RetentionPlan.Row::createdAt).reversed()
                        .thenComparing(Comparator.comparing(RetentionPlan.Row::id).reversed()))
                .toList();
    }

    private static UUID id(int n) {
        return new UUID(0x0190_0000_0000_7000L, n);
    }

    private static Instant at(int seconds) {
        return START.plusSeconds(seconds);
    }
}
