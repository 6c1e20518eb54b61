package io.zhiyue.saga.model;

/**
 * An operator's decision on a parked saga: {@code retry} the parked command once more, {@code skip} it (carry on as
 * if it had succeeded; a saga with a skipped compensation ends RESOLVED, never COMPENSATED), or {@code resolve} the
 * saga (the operator set things right by hand: it ends RESOLVED). {@code step} is the step the operator saw parked.
 */
public record SagaAction(String action, Integer step, String reason) {
}
