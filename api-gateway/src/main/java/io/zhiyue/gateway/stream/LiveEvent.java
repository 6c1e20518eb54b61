package io.zhiyue.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.StreamId;

import java.util.Optional;

/**
 * One zhiyue:events entry as the live channel delivers it. The wire text is rendered once and
 * shared by every connection that receives it.
 */
public record LiveEvent(StreamId id, EventType type, String channel, JsonNode data, String json) {

    /** The live event an entry of zhiyue:events stands for, if it belongs to a channel. */
    public static Optional<LiveEvent> of(StreamId id, Envelope envelope) {
        if (envelope == null) {
            return Optional.empty();
        }
        return channelOf(envelope.type(), envelope.payload())
                .map(channel -> of(id, envelope.type(), channel, envelope.payload()));
    }

    public static LiveEvent of(StreamId id, EventType type, String channel, JsonNode data) {
        ObjectNode message = JsonCodec.mapper().createObjectNode();
        message.put("type", type.name());
        message.put("channel", channel);
        message.put("id", id.toString());
        message.set("data", data);
        return new LiveEvent(id, type, channel, data, JsonCodec.write(message));
    }

    /**
     * The one channel an entry belongs to, if any: job events (scores changed by people included)
     * to {@code job:<jobId>},
     * SYSTEM_STATUS to {@code system}.
     */
    public static Optional<String> channelOf(EventType type, JsonNode payload) {
        return switch (type) {
            case GRADING_PROGRESS, JOB_STATE_CHANGED, SCORE_CHANGED -> {
                JsonNode jobId = payload.path("jobId");
                yield jobId.isTextual() && !jobId.asText().isBlank()
                        ? Optional.of("job:" + jobId.asText())
                        : Optional.empty();
            }
            case SYSTEM_STATUS -> Optional.of("system");
            default -> Optional.empty();
        };
    }

    /** True for a GRADING_PROGRESS whose counters say the job has nothing left to grade. */
    public boolean isFinalProgress() {
        if (type != EventType.GRADING_PROGRESS) {
            return false;
        }
        long total = data.path("total").asLong(0);
        long done = data.path("graded").asLong(0) + data.path("failed").asLong(0) + data.path("cancelled").asLong(0)
                + data.path("pendingReview").asLong(0);
        String state = data.path("state").asText("");
        boolean finalState = state.equals("COMPLETED") || state.equals("CANCELLED") || state.equals("FAILED");
        return finalState || (total > 0 && done >= total);
    }
}
