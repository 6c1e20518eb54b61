package io.zhiyue.cache.model;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** The answer to a lookup: the entries found, in the order asked; an entry not found is left out. */
@RegisterForReflection
public record ResultHits(List<ResultHit> hits) {
}
