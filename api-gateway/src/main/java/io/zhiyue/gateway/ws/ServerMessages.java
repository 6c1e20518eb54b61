package io.zhiyue.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.StreamId;

import java.time.Instant;

/** The server → client messages that do not come from the stream. */
final class ServerMessages {

    static final String PONG = "PONG";
    static final String HEARTBEAT = "HEARTBEAT";
    static final String ERROR = "ERROR";

    private ServerMessages() {
    }

    static String pong() {
        return JsonCodec.write(message(PONG));
    }

    static String heartbeat(Instant at) {
        ObjectNode message = message(HEARTBEAT);
        message.putObject("data").put("at", at.toString());
        return JsonCodec.write(message);
    }

    static String error(String code, String text, String channel) {
        ObjectNode message = message(ERROR);
        if (channel != null) {
            message.put("channel", channel);
        }
        message.putObject("data").put("code", code).put("message", text);
        return JsonCodec.write(message);
    }

    /** A SYSTEM_STATUS about one subscription; {@code id} is the stream position it continues after. */
    static String subscriptionStatus(String channel, StreamId id, ObjectNode data) {
        ObjectNode message = message(EventType.SYSTEM_STATUS.name());
        message.put("channel", channel);
        if (id == null) {
            message.putNull("id");
        } else {
            message.put("id", id.toString());
        }
        message.set("data", data);
        return JsonCodec.write(message);
    }

    static ObjectNode subscribed(JsonNode snapshot) {
        ObjectNode data = JsonCodec.mapper().createObjectNode();
        data.put("subscribed", true);
        data.set("snapshot", snapshot);
        return data;
    }

    static ObjectNode notRecovered(JsonNode snapshot) {
        ObjectNode data = JsonCodec.mapper().createObjectNode();
        data.put("recovered", false);
        data.set("snapshot", snapshot);
        return data;
    }

    private static ObjectNode message(String type) {
        return JsonCodec.mapper().createObjectNode().put("type", type);
    }
}
