package io.zhiyue.checkpoint.store;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Which checkpoints of one thread a retention sweep deletes: everything except the newest K and
 * whatever those K need to be read back. Deleting by age alone would cut the snapshot or the middle
 * of a chain a kept delta is rebuilt from, turning a kept checkpoint into a corrupt one.
 *
 * @param kept    ids that stay
 * @param deleted ids to delete; disjoint from {@code kept}, together they are all the rows given
 */
public record RetentionPlan(Set<UUID> kept, Set<UUID> deleted) {

    /** One stored checkpoint as retention sees it; {@code baseCheckpointId} is null for a snapshot. */
    public record Row(UUID id, UUID parentId, UUID baseCheckpointId, boolean isDelta, Instant createdAt) {
    }

    private static final Comparator<Row> NEWEST_FIRST =
            Comparator.comparing(Row::createdAt).thenComparing(Row::id).reversed();

    public RetentionPlan {
        kept = Set.copyOf(kept);
        deleted = Set.copyOf(deleted);
    }

    /**
     * @param rows       every checkpoint of one thread
     * @param keepNewest K, by {@code createdAt} then id
     */
    public static RetentionPlan of(List<Row> rows, int keepNewest) {
        if (keepNewest < 0) {
            throw new IllegalArgumentException("keepNewest must be >= 0, was " + keepNewest);
        }
        Map<UUID, Row> byId = new HashMap<>();
        for (Row row : rows) {
            if (byId.put(row.id(), row) != null) {
                throw new IllegalArgumentException("checkpoint " + row.id() + " is listed twice");
            }
        }
        Set<UUID> kept = new HashSet<>();
        Deque<Row> toVisit = new ArrayDeque<>();
        rows.stream().sorted(NEWEST_FIRST).limit(keepNewest).forEach(toVisit::add);
        while (!toVisit.isEmpty()) {
            Row row = toVisit.pop();
            if (kept.add(row.id())) {
                // a row kept for a chain is visited too: if the rows disagree with each other, keeping more is the safe side
                chainOf(row, byId).forEach(toVisit::push);
            }
        }
        Set<UUID> deleted = new HashSet<>(byId.keySet());
        deleted.removeAll(kept);
        return new RetentionPlan(kept, deleted);
    }

    /**
     * The rows a delta is rebuilt from: its parent, the parent's parent, … up to its base snapshot.
     * The walk errs on the side of keeping: it stops at the recorded base, or, when that row is not
     * there, at the first snapshot; it also stops where the parent links end or loop.
     */
    private static List<Row> chainOf(Row row, Map<UUID, Row> byId) {
        if (!row.isDelta()) {
            return List.of();
        }
        UUID base = row.baseCheckpointId();
        boolean baseExists = base != null && byId.containsKey(base);
        List<Row> chain = new ArrayList<>();
        Set<UUID> seen = new HashSet<>(Set.of(row.id()));
        Row parent = byId.get(row.parentId());
        while (parent != null && seen.add(parent.id())) {
            chain.add(parent);
            if (baseExists ? parent.id().equals(base) : !parent.isDelta()) {
                break;
            }
            parent = byId.get(parent.parentId());
        }
        if (baseExists) {
            chain.add(byId.get(base));
        }
        return chain;
    }
}
