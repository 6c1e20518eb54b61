package io.zhiyue.cache.layered;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis names and stored values: no two addresses share a name, a tombstone reads as nothing. */
class RedisKeysTest {

    @Test
    void colonsAndHashesInsideAPartCannotMakeTwoEntriesShareAName() {
        EntryKey one = new EntryKey("results", "a:b", "c", "d");
        EntryKey other = new EntryKey("results", "a", "b:c", "d");
        assertThat(RedisKeys.entry(one)).isNotEqualTo(RedisKeys.entry(other)).startsWith("zhiyue:cache:results:");
        EntryKey lookalike = new EntryKey("results", "t", "q", "#members");
        assertThat(RedisKeys.entry(lookalike)).isNotEqualTo(RedisKeys.members(lookalike.scopeKey()));
        assertThat(RedisKeys.members(one.scopeKey())).endsWith("#members");
        assertThat(RedisKeys.floor(one.scopeKey())).endsWith("#floor");
    }

    @Test
    void aStoredValueCarriesItsVersionAndATombstoneIsNoValue() {
        assertThat(RedisLayer.parse("42:{\"a\": 1}")).isEqualTo(new CachedValue("{\"a\": 1}", 42));
        assertThat(RedisLayer.parse("43:")).isNull();
        assertThat(RedisLayer.parse("garbage")).isNull();
        assertThat(RedisLayer.parse("x:{}")).isNull();
    }
}
