package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/**
 * Payload of REVIEW_ITEM_CHANGED: a mark moved an item of an exam's review queue (to THIRD_MARK,
 * ARBITRATION or RESOLVED). Names no student and no score: the exam channel shows the queue moving,
 * not who scored what.
 */
@RegisterForReflection
public record ReviewItemChanged(UUID examId, UUID jobId, UUID itemId, int questionNumber, String state,
        Instant at) {
}
