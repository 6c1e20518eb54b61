package io.zhiyue.cache.layered;

import java.util.Locale;

/** The layers, from the fastest down to the source of truth; a read answers from the first that holds the value. */
public enum Layer {
    LOCAL, REDIS, POSTGRES;

    /** As in {@code X-Cache-Source} and metric tags: {@code local}, {@code redis}, {@code postgres}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
