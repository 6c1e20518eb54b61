package io.zhiyue.saga.definition;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The two score-change sagas: the same steps, and only a review mark's cache step is never compensated. */
class ScoreOverrideSagaTest {

    private final ScoreOverrideSaga sagas = new ScoreOverrideSaga();

    @Test
    void anOverrideIsCompensatedWhenTheCacheStepFails() {
        SagaDefinition override = sagas.scoreOverride();
        assertThat(override.steps()).extracting(StepDefinition::name)
                .containsExactly("override-score", "invalidate-cache", "notify");
        assertThat(override.step(1).kind()).isEqualTo(StepDefinition.Kind.COMPENSABLE);
        assertThat(override.compensableBelow(2)).isEqualTo(1);
    }

    @Test
    void aReviewMarkRidesOutACacheServiceAwayRatherThanTakeThePersonsMarkBack() {
        SagaDefinition mark = sagas.reviewMark();
        assertThat(mark.name()).isEqualTo(ScoreOverrideSaga.REVIEW_MARK);
        assertThat(mark.steps()).extracting(StepDefinition::name)
                .containsExactly("override-score", "invalidate-cache", "notify");
        assertThat(mark.step(1).kind()).isEqualTo(StepDefinition.Kind.RETRIABLE);
        assertThat(mark.step(1).maxAttempts()).isGreaterThan(sagas.scoreOverride().step(1).maxAttempts());
        // a cancel still has the mark to take back
        assertThat(mark.compensableBelow(2)).isZero();
    }
}
