package io.zhiyue.gateway.stream;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The envelope keys seen most recently, to drop an event the outbox relay published twice (a
 * relay that died between publishing and marking its rows sent publishes them again, close by).
 */
public final class RecentKeys {

    /** Keys remembered by the live feed: far more than a relay batch. */
    static final int LIVE_CAPACITY = 10_000;

    private final Map<String, Boolean> keys;

    public RecentKeys(int capacity) {
        this.keys = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time a key is offered (within the capacity); not thread-safe. */
    public boolean firstTime(String key) {
        return keys.put(key, Boolean.TRUE) == null;
    }
}
