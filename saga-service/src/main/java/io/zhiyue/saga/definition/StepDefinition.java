package io.zhiyue.saga.definition;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a saga: the participant and the command it runs, how it is undone, how long its reply may take and
 * how often it is tried.
 * <ul>
 * <li>{@link Kind#COMPENSABLE}: undone by the participant's compensation when a later step fails;</li>
 * <li>{@link Kind#PIVOT}: the point of no return — once it completed, the saga goes forward only;</li>
 * <li>{@link Kind#RETRIABLE}: never compensated, tried until it succeeds ({@code maxAttempts}, then the saga waits
 * for an operator).</li>
 * </ul>
 * A compensation is tried {@code maxAttempts} times too, with the same backoff, before the saga is parked.
 */
public record StepDefinition(String name, String participant, Kind kind, Duration timeout, int maxAttempts,
        Duration backoff) {

    public enum Kind {
        COMPENSABLE, PIVOT, RETRIABLE
    }

    public StepDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(backoff, "backoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("a step is tried at least once");
        }
    }

    public static StepDefinition compensable(String name, String participant, Duration timeout) {
        return new StepDefinition(name, participant, Kind.COMPENSABLE, timeout, 3, Duration.ofMillis(200));
    }

    public static StepDefinition retriable(String name, String participant, Duration timeout) {
        return new StepDefinition(name, participant, Kind.RETRIABLE, timeout, 10, Duration.ofMillis(200));
    }

    public StepDefinition withAttempts(int attempts, Duration pause) {
        return new StepDefinition(name, participant, kind, timeout, attempts, pause);
    }

    /** The pause before attempt {@code next} (2, 3, …): the backoff, doubled each time, at most 30 s. */
    public Duration pauseBefore(int next) {
        long millis = backoff.toMillis() << Math.min(10, Math.max(0, next - 2));
        return Duration.ofMillis(Math.min(millis, 30_000));
    }

    public boolean compensable() {
        return kind == Kind.COMPENSABLE;
    }
}
