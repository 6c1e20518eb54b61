package io.zhiyue.cache.layered;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process layer's rules on versions: nothing older than an invalidation seen is stored or answered. */
class LocalLayerTest {

    private static final EntryKey KEY = new EntryKey("results", "school", "qv-1", "k-1");
    private static final EntryKey OTHER = new EntryKey("results", "school", "qv-1", "k-2");
    private static final EntryKey ELSEWHERE = new EntryKey("results", "school", "qv-2", "k-1");

    private final LocalLayer local = new LocalLayer(1_000, Duration.ofMinutes(5));

    @Test
    void anOfferIsStoredAndANewerOneReplacesItButAnOlderOneDoesNot() {
        long generation = local.generation();
        assertThat(local.offer(KEY, value(5), generation)).isTrue();
        assertThat(local.offer(KEY, value(3), generation)).isFalse();
        assertThat(local.get(KEY).version()).isEqualTo(5);
        assertThat(local.offer(KEY, value(7), generation)).isTrue();
        assertThat(local.get(KEY).version()).isEqualTo(7);
    }

    @Test
    void anInvalidationDropsOlderCopiesAndALateBackFillOfAnOlderVersionIsRefused() {
        long generation = local.generation();
        local.offer(KEY, value(5), generation);
        assertThat(local.invalidate(Invalidation.of(KEY, 6))).isTrue();
        assertThat(local.get(KEY)).isNull();
        // a read that began before the invalidation comes back with the old value
        assertThat(local.offer(KEY, value(5), generation)).isFalse();
        assertThat(local.get(KEY)).isNull();
        // the value the invalidation announced is welcome
        assertThat(local.offer(KEY, value(6), generation)).isTrue();
        assertThat(local.get(KEY).version()).isEqualTo(6);
    }

    @Test
    void anInvalidationOlderThanOneAlreadySeenIsIgnored() {
        long generation = local.generation();
        assertThat(local.invalidate(Invalidation.of(KEY, 10))).isTrue();
        local.offer(KEY, value(10), generation);
        assertThat(local.invalidate(Invalidation.of(KEY, 8))).isFalse();
        assertThat(local.invalidate(Invalidation.of(KEY, 10))).isFalse();
        assertThat(local.get(KEY).version()).isEqualTo(10);
        // an old invalidation cannot lower the bar either: version 9 stays refused
        assertThat(local.offer(KEY, value(9), generation)).isFalse();
    }

    @Test
    void aWriteInvalidationKeepsTheValueItAnnouncesWhenItIsAlreadyHere() {
        long generation = local.generation();
        local.offer(KEY, value(12), generation);
        assertThat(local.invalidate(Invalidation.of(KEY, 12))).isTrue();
        assertThat(local.get(KEY).version()).isEqualTo(12);
    }

    @Test
    void aScopeInvalidationDropsTheScopesOlderEntriesOnly() {
        long generation = local.generation();
        local.offer(KEY, value(3), generation);
        local.offer(OTHER, value(20), generation);
        local.offer(ELSEWHERE, value(4), generation);
        assertThat(local.invalidate(Invalidation.of(KEY.scopeKey(), 10))).isTrue();
        assertThat(local.get(KEY)).isNull();
        assertThat(local.get(OTHER).version()).isEqualTo(20);
        assertThat(local.get(ELSEWHERE).version()).isEqualTo(4);
        assertThat(local.offer(KEY, value(9), generation)).isFalse();
        assertThat(local.invalidate(Invalidation.of(KEY.scopeKey(), 7))).isFalse();
        assertThat(local.getAll(List.of(KEY, OTHER, ELSEWHERE))).containsOnlyKeys(OTHER, ELSEWHERE);
    }

    @Test
    void aFlushDropsEverythingAndRefusesBackFillsOfReadsThatBeganBeforeIt() {
        long before = local.generation();
        local.offer(KEY, value(1), before);
        local.flush();
        assertThat(local.get(KEY)).isNull();
        assertThat(local.offer(OTHER, value(2), before)).isFalse();
        assertThat(local.offer(OTHER, value(2), local.generation())).isTrue();
        assertThat(local.size()).isEqualTo(1);
    }

    private static CachedValue value(long version) {
        return new CachedValue("{\"v\":" + version + "}", version);
    }
}
