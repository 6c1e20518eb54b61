package io.zhiyue.streams.consumer;

import io.vertx.mutiny.redis.client.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** One entry as Redis returns it: its id and its fields; {@code fields} is null for an entry trimmed away. */
record StreamEntry(String id, Map<String, String> fields) {

    boolean trimmed() {
        return fields == null;
    }

    /** Parses {@code [id, [field, value, ...]]}; answers null for a nil reply. */
    static StreamEntry parse(Response entry) {
        if (entry == null || entry.size() < 2) {
            return null;
        }
        Response raw = entry.get(1);
        if (raw == null) {
            return new StreamEntry(entry.get(0).toString(), null);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < raw.size(); i += 2) {
            fields.put(raw.get(i).toString(), raw.get(i + 1).toString());
        }
        return new StreamEntry(entry.get(0).toString(), fields);
    }
}
