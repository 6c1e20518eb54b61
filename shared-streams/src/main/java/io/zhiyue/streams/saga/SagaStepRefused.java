package io.zhiyue.streams.saga;

/** A participant refuses a saga step for good (bad data, a state that does not allow it): the reply is FAILED. */
public class SagaStepRefused extends RuntimeException {

    public SagaStepRefused(String message) {
        super(message);
    }
}
