package io.zhiyue.deploy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.List;
import java.util.Map;

/** Kubernetes label selector semantics: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
final class LabelSelectors {

    private LabelSelectors() {
    }

    /** A Service's selector: every pair must be among the labels; an empty one selects nothing. */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    /** A LabelSelector: an empty one ({}) selects everything, a missing one nothing. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> matchLabels = selector.getMatchLabels();
        if (matchLabels != null && !labels.entrySet().containsAll(matchLabels.entrySet())) {
            return false;
        }
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
        return expressions == null || expressions.stream().allMatch(expression -> matches(expression, labels));
    }

    static boolean isEmpty(LabelSelector selector) {
        return selector != null
                && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }

    private static boolean matches(LabelSelectorRequirement expression, Map<String, String> labels) {
        String value = labels.get(expression.getKey());
        List<String> values = expression.getValues() == null ? List.of() : expression.getValues();
        return switch (expression.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("unknown selector operator " + expression.getOperator());
        };
    }
}
