package io.zhiyue.streams.tail;

import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.stream.StreamId;

/** Receives every entry of a stream, in order, on the tail reader's thread: never block it for long. */
@FunctionalInterface
public interface TailListener {

    /** @param envelope null when the entry is not a well-formed envelope (the position still moves) */
    void onEntry(StreamId id, Envelope envelope);

    /** Where reading starts (the position given, or the stream's last id at start-up), before any entry. */
    default void onStart(StreamId position) {
    }
}
