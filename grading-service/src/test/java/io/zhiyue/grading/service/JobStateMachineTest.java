package io.zhiyue.grading.service;

import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.job.JobState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static io.zhiyue.shared.job.JobState.ANALYZED;
import static io.zhiyue.shared.job.JobState.CANCELLED;
import static io.zhiyue.shared.job.JobState.COMPLETED;
import static io.zhiyue.shared.job.JobState.CREATED;
import static io.zhiyue.shared.job.JobState.EXECUTING;
import static io.zhiyue.shared.job.JobState.FAILED;
import static io.zhiyue.shared.job.JobState.PAUSED;
import static io.zhiyue.shared.job.JobState.SPLIT_COMPLETE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every one of the 8 × 8 (from, to) pairs against the state machine written down in DESIGN.md. */
class JobStateMachineTest {

    /** DESIGN.md, spelled out independently of {@link JobState#next()}. */
    private static final Map<JobState, Set<JobState>> DESIGN = Map.of(
            CREATED, EnumSet.of(ANALYZED, CANCELLED, FAILED),
            ANALYZED, EnumSet.of(SPLIT_COMPLETE, CANCELLED, FAILED),
            SPLIT_COMPLETE, EnumSet.of(EXECUTING, CANCELLED, FAILED),
            EXECUTING, EnumSet.of(COMPLETED, PAUSED, CANCELLED, FAILED),
            PAUSED, EnumSet.of(EXECUTING, CANCELLED, FAILED),
            COMPLETED, EnumSet.noneOf(JobState.class),
            CANCELLED, EnumSet.noneOf(JobState.class),
            FAILED, EnumSet.noneOf(JobState.class));

    static Stream<Arguments> allPairs() {
        return Arrays.stream(JobState.values()).flatMap(from -> Arrays.stream(JobState.values())
                .map(to -> Arguments.of(from, to, DESIGN.get(from).contains(to))));
    }

    @ParameterizedTest(name = "{0} → {1} legal={2}")
    @MethodSource("allPairs")
    void everyPairIsLegalExactlyWhenTheDesignSaysSo(JobState from, JobState to, boolean legal) {
        assertThat(from.canMoveTo(to)).isEqualTo(legal);
        assertThat(from.next().contains(to)).isEqualTo(legal);

        GradingJob job = job(from);
        if (legal) {
            assertThatCode(() -> JobStateMachine.require(job, to)).doesNotThrowAnyException();
        } else {
            ZhiyueException e = catchThrowableOfType(ZhiyueException.class, () -> JobStateMachine.require(job, to));
            assertThat(e).as("%s → %s must be refused", from, to).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.ILLEGAL_STATE);
            assertThat(e.code().status()).isEqualTo(409);
            assertThat(e.getMessage()).contains("is " + from).contains(to.name()).contains(job.id().toString());
        }
    }

    @Test
    void theTableCoversEveryState() {
        assertThat(DESIGN.keySet()).containsExactlyInAnyOrder(JobState.values());
        assertThat(allPairs()).hasSize(JobState.values().length * JobState.values().length);
    }

    @ParameterizedTest
    @EnumSource(JobState.class)
    void finalStatesGoNowhereAndOnlyThemAreFinal(JobState state) {
        boolean expectedFinal = state == COMPLETED || state == CANCELLED || state == FAILED;
        assertThat(state.isFinal()).isEqualTo(expectedFinal);
        if (expectedFinal) {
            assertThat(state.next()).isEmpty();
        } else {
            assertThat(state.next()).as("any non-final state can be cancelled or fail").contains(CANCELLED, FAILED);
        }
    }

    @ParameterizedTest
    @EnumSource(JobState.class)
    void noStateMovesToItself(JobState state) {
        assertThat(state.canMoveTo(state)).isFalse();
    }

    @Test
    void pauseOnlyFromExecutingAndResumeOnlyBackToExecuting() {
        assertThat(Arrays.stream(JobState.values()).filter(s -> s.canMoveTo(PAUSED))).containsExactly(EXECUTING);
        assertThat(PAUSED.next()).containsExactlyInAnyOrder(EXECUTING, CANCELLED, FAILED);
        assertThat(Arrays.stream(JobState.values()).filter(s -> s.canMoveTo(COMPLETED))).containsExactly(EXECUTING);
        assertThat(Arrays.stream(JobState.values()).filter(s -> s.canMoveTo(CREATED))).isEmpty();
    }

    @Test
    void theRefusalListsWhatIsAllowedFromTheCurrentState() {
        GradingJob created = job(CREATED);
        ZhiyueException e = catchThrowableOfType(ZhiyueException.class, () -> JobStateMachine.require(created, PAUSED));
        assertThat(e.getMessage()).contains("CREATED").contains("PAUSED").contains("ANALYZED");
    }

    private static GradingJob job(JobState state) {
        return new GradingJob(UUID.randomUUID(), "demo-school", UUID.randomUUID(), state, 10, 0, 0, 0, 0,
                BigDecimal.ZERO, OffsetDateTime.now(), null, null,
                GradingJob.stages(null, null, null, null), null, new GradingJob.Llm(0, 0, 0), null, 1, null, 100, true);
    }
}
