package io.zhiyue.cache.model;

/**
 * A result entry's address: {@code questionVersion} (rubric contentHash + reference-answer hash) and {@code key}
 * (normalised-answer hash + grader id and version + exemplar-set version), both built by the caller.
 */
public record ResultRef(String questionVersion, String key) {
}
