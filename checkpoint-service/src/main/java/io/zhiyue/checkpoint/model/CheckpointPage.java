package io.zhiyue.checkpoint.model;

import java.util.List;

/** A page of checkpoints, newest first; {@code nextCursor} continues after the last one (null: no more). */
public record CheckpointPage(List<Checkpoint> items, int pageSize, String nextCursor) {
}
