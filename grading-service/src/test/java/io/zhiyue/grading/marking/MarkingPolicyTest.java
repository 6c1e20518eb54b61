package io.zhiyue.grading.marking;

import io.zhiyue.grading.marking.MarkingPolicy.Frozen;
import io.zhiyue.grading.model.ReviewStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MarkingPolicyTest {

    private static final BigDecimal MAX = new BigDecimal("10");
    private static final BigDecimal THRESHOLD = new BigDecimal("0.8");

    @Test
    void ruleModeMakesEveryProposalFinalAndAMissingOneAFailure() {
        Frozen rule = new Frozen(false, true, THRESHOLD, false, true, MAX, BigDecimal.ZERO);
        assertThat(MarkingPolicy.decide(rule, new BigDecimal("0.1"))).isEqualTo(ReviewStatus.AUTO_ACCEPTED);
        assertThat(MarkingPolicy.decide(rule, null)).isNull();
        assertThat(rule.graderProposes()).isTrue();
    }

    @Test
    void aiModeAcceptsFromTheThresholdOn() {
        Frozen ai = new Frozen(true, true, THRESHOLD, false, true, MAX, BigDecimal.ZERO);
        assertThat(MarkingPolicy.decide(ai, new BigDecimal("0.8"))).isEqualTo(ReviewStatus.AUTO_ACCEPTED);
        assertThat(MarkingPolicy.decide(ai, new BigDecimal("0.79"))).isEqualTo(ReviewStatus.NEEDS_REVIEW);
        assertThat(MarkingPolicy.decide(ai, null)).isEqualTo(ReviewStatus.NEEDS_REVIEW);
    }

    @Test
    void aiModeSendsEverythingToPeopleWhenAutoAcceptIsOffOrMarkingIsDouble() {
        BigDecimal sure = BigDecimal.ONE;
        assertThat(MarkingPolicy.decide(new Frozen(true, false, THRESHOLD, false, true, MAX, BigDecimal.ZERO), sure))
                .isEqualTo(ReviewStatus.NEEDS_REVIEW);
        assertThat(MarkingPolicy.decide(new Frozen(true, true, THRESHOLD, true, true, MAX, BigDecimal.ZERO), sure))
                .isEqualTo(ReviewStatus.NEEDS_REVIEW);
    }

    @Test
    void withoutPointsInAiModeTheGraderIsNotAsked() {
        Frozen noPoints = new Frozen(true, true, THRESHOLD, false, false, MAX, BigDecimal.ZERO);
        assertThat(noPoints.graderProposes()).isFalse();
        assertThat(MarkingPolicy.decide(noPoints, null)).isEqualTo(ReviewStatus.NEEDS_REVIEW);
    }

    @Test
    void theAuditDrawIsFixedPerAnswerAndTakesTheRateShare() {
        UUID answer = UUID.fromString("6f1c2e0a-3b4d-4c5e-8f70-112233445566");
        assertThat(MarkingPolicy.drawnForAudit(answer, BigDecimal.ZERO)).isFalse();
        assertThat(MarkingPolicy.drawnForAudit(answer, BigDecimal.ONE)).isTrue();
        assertThat(MarkingPolicy.drawnForAudit(answer, new BigDecimal("0.3")))
                .isEqualTo(MarkingPolicy.drawnForAudit(answer, new BigDecimal("0.3")));
        long drawn = 0;
        for (int i = 0; i < 10_000; i++) {
            drawn += MarkingPolicy.drawnForAudit(new UUID(i, 17L * i), new BigDecimal("0.05")) ? 1 : 0;
        }
        // 5 % of 10,000 is 500; the binomial standard deviation is about 22
        assertThat(drawn).isBetween(400L, 600L);
    }
}
