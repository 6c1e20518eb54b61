package io.zhiyue.shared.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * The shape of every list endpoint: {@code {items, page, pageSize, total, nextCursor}}. {@code
 * nextCursor} is opaque; {@code ?cursor=} continues with the page after this one (null: this is the
 * last page, or the list has no cursors).
 */
@RegisterForReflection
public record PageResponse<T>(List<T> items, int page, int pageSize, long total, String nextCursor) {

    /** A single page holding everything. */
    public PageResponse(List<T> items, int page, int pageSize, long total) {
        this(items, page, pageSize, total, null);
    }
}
