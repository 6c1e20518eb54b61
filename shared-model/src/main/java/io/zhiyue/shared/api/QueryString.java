package io.zhiyue.shared.api;

import io.zhiyue.shared.error.ZhiyueException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw query string read the way the list parameters mean it: pairs separated by {@code &}
 * only ({@code ;} is part of a value, though some parsers split on it), names and values
 * percent-decoded as UTF-8.
 */
public final class QueryString {

    private QueryString() {
    }

    /** @throws ZhiyueException VALIDATION_ERROR for a broken percent-encoding */
    public static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            params.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ZhiyueException.validation("query", "is not a valid query string: " + e.getMessage());
        }
    }
}
