package io.zhiyue.streams.consumer;

import io.smallrye.mutiny.Uni;

/**
 * What a service does with the entries of one consumer group. The entry is acknowledged only
 * after {@link #handle} completes, so the handler commits first; a failure leaves the entry
 * pending, and it is delivered again (at-least-once: handlers must be idempotent).
 */
public interface StreamHandler {

    Uni<Void> handle(Delivery delivery);

    /**
     * The entry failed too often and goes to the dead-letter stream: the last chance to record
     * that its work will never be done. The entry is acknowledged only after this completes.
     */
    default Uni<Void> deadLettered(Delivery delivery, String reason) {
        return Uni.createFrom().voidItem();
    }
}
