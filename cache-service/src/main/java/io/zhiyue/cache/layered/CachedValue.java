package io.zhiyue.cache.layered;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.json.JsonCodec;

import java.io.UncheckedIOException;

/**
 * A value as every layer holds it: the JSON text PostgreSQL stored (so all layers answer the same bytes) and the
 * version PostgreSQL gave it.
 */
public record CachedValue(String json, long version) {

    public JsonNode value() {
        try {
            return JsonCodec.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
