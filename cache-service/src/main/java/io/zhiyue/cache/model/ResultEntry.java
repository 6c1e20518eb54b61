package io.zhiyue.cache.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A result to store: its address and its value, an opaque JSON object. */
public record ResultEntry(String questionVersion, String key, JsonNode value) {
}
