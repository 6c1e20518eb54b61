package io.zhiyue.saga.definition;

import java.util.List;
import java.util.Objects;

/**
 * A saga as code: a name, a version (raised whenever its steps change; an instance keeps the version it started
 * with) and its ordered steps. A service makes one known by producing it as a CDI bean.
 */
public record SagaDefinition(String name, int version, List<StepDefinition> steps) {

    public SagaDefinition {
        Objects.requireNonNull(name, "name");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a saga has at least one step");
        }
    }

    public StepDefinition step(int index) {
        return steps.get(index);
    }

    public int size() {
        return steps.size();
    }

    /** Whether a pivot step is among the first {@code completed}: then the saga only goes forward. */
    public boolean pastPivot(int completed) {
        for (int i = 0; i < completed && i < steps.size(); i++) {
            if (steps.get(i).kind() == StepDefinition.Kind.PIVOT) {
                return true;
            }
        }
        return false;
    }

    /** The compensable step nearest below {@code below} (-1: none left to undo). */
    public int compensableBelow(int below) {
        for (int i = below - 1; i >= 0; i--) {
            if (steps.get(i).compensable()) {
                return i;
            }
        }
        return -1;
    }
}
