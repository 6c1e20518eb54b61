package io.zhiyue.grading.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.json.JsonCodec;

import java.util.Set;

/** Applies {@code fields=a,b} to a page: each item keeps only the named (whitelisted) fields. */
final class FieldSelection {

    private FieldSelection() {
    }

    static Object apply(PageResponse<?> page, Set<String> fields) {
        if (fields == null || fields.isEmpty()) {
            return page;
        }
        return new PageResponse<>(page.items().stream().map(item -> {
            ObjectNode node = JsonCodec.mapper().valueToTree(item);
            node.retain(fields);
            return node;
        }).toList(), page.page(), page.pageSize(), page.total(), page.nextCursor());
    }
}
