package io.zhiyue.grading.marking;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerGroupingTest {

    private static final UUID QUESTION = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID RUBRIC = UUID.fromString("00000000-0000-0000-0000-0000000000b1");

    private final UUID first = UUID.fromString("10000000-0000-0000-0000-000000000001");
    private final UUID second = UUID.fromString("20000000-0000-0000-0000-000000000002");
    // above 0x7f… the signed order of Java's UUID.compareTo would put this one first; PostgreSQL does not
    private final UUID third = UUID.fromString("f0000000-0000-0000-0000-000000000003");
    private final UUID alone = UUID.fromString("30000000-0000-0000-0000-000000000004");

    @Test
    void answersEqualAfterNormalisationAreOneGroupAndSingletonsNone() {
        AnswerGrouping grouping = new AnswerGrouping(QUESTION, RUBRIC);
        grouping.add(third, "ＰＨＯＴＯＳＹＮＴＨＥＳＩＳ", null, false);
        grouping.add(first, "Photosynthesis", null, false);
        grouping.add(second, "  photosynthesis\u3000", null, true);
        grouping.add(alone, "photosynthesis!", null, false);

        List<AnswerGrouping.Group> groups = grouping.groups();
        assertThat(groups).hasSize(1);
        AnswerGrouping.Group group = groups.get(0);
        assertThat(group.members()).containsExactly(first, second, third);
        assertThat(group.representativeId()).isEqualTo(first);
        assertThat(group.size()).isEqualTo(3);
        assertThat(group.marked()).isEqualTo(1);
        assertThat(group.proposedScore()).isNull();
    }

    @Test
    void theIdNamesTheVersionAndTheExactMembersWhateverTheOrder() {
        UUID id = idOf(RUBRIC, List.of(first, second));
        assertThat(idOf(RUBRIC, List.of(second, first))).isEqualTo(id);
        assertThat(idOf(RUBRIC, List.of(first, second, third))).isNotEqualTo(id);
        assertThat(idOf(UUID.randomUUID(), List.of(first, second))).isNotEqualTo(id);
    }

    @Test
    void theProposalIsTheMostCommonScoreTheLowestOnATie() {
        assertThat(AnswerGrouping.mostCommon(List.of(dec("4"), dec("7.50"), dec("7.5")))).isEqualByComparingTo("7.5");
        assertThat(AnswerGrouping.mostCommon(List.of(dec("6"), dec("4")))).isEqualByComparingTo("4");
        assertThat(AnswerGrouping.mostCommon(List.of())).isNull();

        AnswerGrouping grouping = new AnswerGrouping(QUESTION, RUBRIC);
        grouping.add(first, "oxygen", dec("2"), false);
        grouping.add(second, "Oxygen", null, false);
        grouping.add(third, "OXYGEN", dec("2"), false);
        assertThat(grouping.groups().get(0).proposedScore()).isEqualByComparingTo("2");
    }

    private static UUID idOf(UUID rubric, List<UUID> members) {
        AnswerGrouping grouping = new AnswerGrouping(QUESTION, rubric);
        members.forEach(member -> grouping.add(member, "the same answer", null, false));
        return grouping.groups().get(0).id();
    }

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }
}
