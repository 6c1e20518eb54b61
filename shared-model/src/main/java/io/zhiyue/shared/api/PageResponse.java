package io.zhiyue.shared.api;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** The shape of every list endpoint: {@code {items, page, pageSize, total}}. */
@RegisterForReflection
public record PageResponse<T>(List<T> items, int page, int pageSize, long total) {
}
