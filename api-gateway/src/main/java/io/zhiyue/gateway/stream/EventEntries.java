package io.zhiyue.gateway.stream;

import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.zhiyue.shared.event.Envelope;

import java.util.Optional;

/** Reads zhiyue:events entries into live events; entries no channel wants are skipped. */
final class EventEntries {

    private EventEntries() {
    }

    static Optional<LiveEvent> toLiveEvent(StreamMessage<String, String, String> entry) {
        Envelope envelope;
        try {
            envelope = Envelope.fromFields(entry.payload());
        } catch (IllegalArgumentException e) {
            Log.debugf("skipping malformed entry %s: %s", entry.id(), e.getMessage());
            return Optional.empty();
        }
        StreamId id;
        try {
            id = StreamId.parse(entry.id());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return LiveEvent.channelOf(envelope.type(), envelope.payload())
                .map(channel -> LiveEvent.of(id, envelope.type(), channel, envelope.payload()));
    }
}
