package io.zhiyue.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.LiveChannels;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.StreamId;

import java.util.List;

/**
 * One zhiyue:events entry as the live channel delivers it. The wire text is rendered once and
 * shared by every connection that receives it.
 */
public record LiveEvent(StreamId id, EventType type, String route, String channel, JsonNode data, String json) {

    /**
     * The live events an entry of zhiyue:events stands for: one per channel it belongs to (none when
     * it belongs to no channel), all with the entry's id.
     */
    public static List<LiveEvent> of(StreamId id, Envelope envelope) {
        if (envelope == null) {
            return List.of();
        }
        return LiveChannels.of(envelope.type(), envelope.payload()).stream()
                .map(channel -> of(id, envelope.type(), envelope.tenantId(), channel, envelope.payload())).toList();
    }

    /**
     * The tenant's wall: an event is routed within its own tenant only ({@link #route(String, String)}), so
     * a subscriber of another tenant never receives it, whatever channel name it asked for.
     */
    public static LiveEvent of(StreamId id, EventType type, String tenant, String channel, JsonNode data) {
        ObjectNode message = JsonCodec.mapper().createObjectNode();
        message.put("type", type.name());
        message.put("channel", channel);
        message.put("id", id.toString());
        message.set("data", data);
        return new LiveEvent(id, type, route(tenant, channel), channel, data, JsonCodec.write(message));
    }

    /** Where events of {@code tenant} on {@code channel} are routed; a subscription asks for the same. */
    public static String route(String tenant, String channel) {
        return tenant + " " + channel;
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
