package io.zhiyue.cache.model;

import java.util.List;

/** The answer to a put: each entry's new version, in the order given. */
public record ResultVersions(List<Long> versions) {
}
