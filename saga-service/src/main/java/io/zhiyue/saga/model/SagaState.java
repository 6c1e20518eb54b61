package io.zhiyue.saga.model;

/**
 * Where a saga stands. RUNNING goes forward; COMPENSATING undoes completed steps in reverse order and runs to its
 * end even when the saga was cancelled; COMPENSATED only once every compensation succeeded; PARKED waits for an
 * operator (a compensation or a retriable step kept failing); RESOLVED was ended by an operator.
 */
public enum SagaState {
    RUNNING, COMPENSATING, COMPLETED, COMPENSATED, PARKED, RESOLVED;

    public boolean ended() {
        return this == COMPLETED || this == COMPENSATED || this == RESOLVED;
    }
}
