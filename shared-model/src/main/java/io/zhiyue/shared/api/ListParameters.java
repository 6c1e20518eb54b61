package io.zhiyue.shared.api;

import io.zhiyue.shared.error.Problem.FieldError;

import java.util.List;
import java.util.Map;

/** A list endpoint's query parameters read one way everywhere; what is wrong is added to the caller's errors. */
public final class ListParameters {

    private ListParameters() {
    }

    /** The first value of {@code name}, or null. */
    public static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** A whole number from {@code min} to {@code max}; {@code otherwise} when absent or wrong (then an error). */
    public static int number(Map<String, List<String>> query, String name, int min, int max, int otherwise,
            List<FieldError> errors) {
        String value = first(query, name);
        if (value == null) {
            return otherwise;
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new FieldError(name, "must be a whole number from " + min + " to " + max));
        return otherwise;
    }
}
