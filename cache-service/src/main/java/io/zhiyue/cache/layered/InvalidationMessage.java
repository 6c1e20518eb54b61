package io.zhiyue.cache.layered;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** One message on the invalidation channel: the invalidations of one change, and the instance that made it. */
@RegisterForReflection
public record InvalidationMessage(String origin, List<Invalidation> items) {
}
