package io.zhiyue.cache.layered;

import java.util.Map;

/**
 * What a read found, by key (a key without a value is absent), and the deepest layer it had to ask: a key
 * answered by no layer was asked of PostgreSQL.
 */
public record Lookup(Map<EntryKey, Hit> hits, Layer deepest) {
}
