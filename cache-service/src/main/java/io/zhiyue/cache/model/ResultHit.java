package io.zhiyue.cache.model;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A result found: its address, its value (the JSON object as stored), its version and the layer that answered
 * ({@code local}, {@code redis} or {@code postgres}).
 */
@RegisterForReflection
public record ResultHit(String questionVersion, String key, @JsonRawValue String value, long version, String source) {
}
