package io.zhiyue.gateway.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.StreamId;

import java.util.Optional;

/** A client → server message, validated. */
record ClientCommand(Type type, String channel, Optional<StreamId> lastEventId) {

    enum Type {
        SUBSCRIBE,
        UNSUBSCRIBE,
        PING
    }

    /** Thrown for anything a client should be told about; the connection stays open. */
    static final class InvalidCommand extends Exception {
        private final String channel;

        InvalidCommand(String message, String channel) {
            super(message, null, false, false);
            this.channel = channel;
        }

        String channel() {
            return channel;
        }
    }

    static ClientCommand parse(String text) throws InvalidCommand {
        JsonNode message;
        try {
            message = JsonCodec.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidCommand("message is not valid JSON", null);
        }
        if (message == null || !message.isObject()) {
            throw new InvalidCommand("message must be a JSON object", null);
        }
        JsonNode typeNode = message.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new InvalidCommand("type is required: SUBSCRIBE, UNSUBSCRIBE or PING", null);
        }
        Type type;
        try {
            type = Type.valueOf(typeNode.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidCommand("unknown type " + abbreviate(typeNode.asText())
                    + "; expected SUBSCRIBE, UNSUBSCRIBE or PING", null);
        }
        if (type == Type.PING) {
            return new ClientCommand(type, null, Optional.empty());
        }
        JsonNode channelNode = message.get("channel");
        if (channelNode == null || !channelNode.isTextual()) {
            throw new InvalidCommand("channel is required", null);
        }
        if (!Channels.isValid(channelNode.asText())) {
            throw new InvalidCommand("unknown channel " + abbreviate(channelNode.asText())
                    + "; expected job:<uuid>, exam:<uuid>, user:<studentId> or system", abbreviate(channelNode.asText()));
        }
        String channel = Channels.canonical(channelNode.asText());
        Optional<StreamId> lastEventId = Optional.empty();
        JsonNode lastNode = message.get("lastEventId");
        if (type == Type.SUBSCRIBE && lastNode != null && !lastNode.isNull()) {
            try {
                lastEventId = Optional.of(StreamId.parse(lastNode.asText()));
            } catch (IllegalArgumentException e) {
                throw new InvalidCommand("lastEventId must be an event id such as 1732312312312-0", channel);
            }
        }
        return new ClientCommand(type, channel, lastEventId);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
