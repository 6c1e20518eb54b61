package io.zhiyue.cache.layered;

/** A value found by a read, and the layer that answered it. */
public record Hit(CachedValue value, Layer source) {

    public String json() {
        return value.json();
    }

    public long version() {
        return value.version();
    }
}
