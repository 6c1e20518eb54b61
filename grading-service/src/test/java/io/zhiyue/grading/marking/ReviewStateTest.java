package io.zhiyue.grading.marking;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static io.zhiyue.grading.marking.ReviewState.ARBITRATION;
import static io.zhiyue.grading.marking.ReviewState.RESOLVED;
import static io.zhiyue.grading.marking.ReviewState.SECOND_MARK;
import static io.zhiyue.grading.marking.ReviewState.THIRD_MARK;
import static org.assertj.core.api.Assertions.assertThat;

class ReviewStateTest {

    /** DESIGN.md's review-item states, spelled out independently of {@link ReviewState#next()}. */
    private static final Map<ReviewState, Set<ReviewState>> DESIGN = Map.of(
            SECOND_MARK, EnumSet.of(SECOND_MARK, THIRD_MARK, RESOLVED),
            THIRD_MARK, EnumSet.of(ARBITRATION, RESOLVED),
            ARBITRATION, EnumSet.of(RESOLVED),
            RESOLVED, EnumSet.noneOf(ReviewState.class));

    @Test
    void everyPairIsLegalExactlyWhenTheDesignSaysSo() {
        assertThat(DESIGN.keySet()).containsExactlyInAnyOrder(ReviewState.values());
        for (ReviewState from : ReviewState.values()) {
            for (ReviewState to : ReviewState.values()) {
                assertThat(from.canMoveTo(to)).as("%s → %s", from, to).isEqualTo(DESIGN.get(from).contains(to));
            }
        }
    }
}
