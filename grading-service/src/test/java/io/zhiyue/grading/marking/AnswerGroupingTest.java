package io.zhiyue.grading.marking;

import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.marking.AnswerGrouping.Comparison;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
        assertThat(group.variants()).isEqualTo(1);
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

    @Test
    void answersOnlyPunctuationApartWithCloseVectorsAreOneGroupHeadedByTheMostCommonText() {
        AnswerGrouping grouping = new AnswerGrouping(QUESTION, RUBRIC);
        grouping.add(third, "叶绿体", dec("2"), false);
        grouping.add(alone, "叶绿体", dec("2"), true);
        grouping.add(first, "叶绿体。", dec("1"), false);
        grouping.add(second, "Oxygen, water", null, false);
        UUID fifth = UUID.fromString("50000000-0000-0000-0000-000000000005");
        grouping.add(fifth, "oxygen water.", null, false);

        List<AnswerGrouping.Group> groups = compared(grouping, Map.of("叶绿体", unit(1), "叶绿体。", cosineTo(1, 0.86),
                "oxygen, water", unit(2), "oxygen water.", cosineTo(2, 0.89)));
        assertThat(groups).hasSize(2);
        AnswerGrouping.Group chinese = groupOf(groups, first);
        assertThat(chinese.members()).containsExactly(first, alone, third);
        // the representative is an answer of the most common text, not the first member by id
        assertThat(chinese.representativeId()).isEqualTo(alone);
        assertThat(chinese.variants()).isEqualTo(2);
        assertThat(chinese.marked()).isEqualTo(1);
        assertThat(chinese.proposedScore()).isEqualByComparingTo("2");
        AnswerGrouping.Group english = groupOf(groups, second);
        assertThat(english.members()).containsExactly(second, fifth);
        assertThat(english.variants()).isEqualTo(2);
        // as common as each other: the text with the first submission id heads the group
        assertThat(english.representativeId()).isEqualTo(second);
    }

    @Test
    void aFlippedNegationNumberOrWordNeverMergesHoweverCloseTheVectors() {
        List<List<String>> flips = List.of(List.of("光合作用需要光", "光合作用不需要光。"),
                List.of("it is needed", "it is not needed"), List.of("不，对", "不对"),
                List.of("3.5", "3 5"), List.of("x>3", "x<3"), List.of("price increases.", "price decreases"),
                List.of("船的平均密度小于水的密度", "船的平均密度大于水的密度"));
        for (List<String> flip : flips) {
            AnswerGrouping grouping = new AnswerGrouping(QUESTION, RUBRIC);
            grouping.add(first, flip.get(0), null, false);
            grouping.add(second, flip.get(1), null, false);
            assertThat(grouping.comparisons()).as("%s", flip).isEmpty();
            assertThat(compared(grouping, Map.of(flip.get(0), unit(0), flip.get(1), unit(0)))).isEmpty();
        }
    }

    @Test
    void vectorsBelowTheThresholdOfTheirLanguageNeverMerge() {
        AnswerGrouping chinese = new AnswerGrouping(QUESTION, RUBRIC);
        chinese.add(first, "叶绿体", null, false);
        chinese.add(second, "叶绿体。", null, false);
        // just under the Chinese threshold; then over it, yet under the English one
        assertThat(compared(chinese, Map.of("叶绿体", unit(0), "叶绿体。", cosineTo(0, 0.849)))).isEmpty();
        AnswerGrouping english = new AnswerGrouping(QUESTION, RUBRIC);
        english.add(first, "chloroplast", null, false);
        english.add(second, "chloroplast.", null, false);
        assertThat(compared(english, Map.of("chloroplast", unit(0), "chloroplast.", cosineTo(0, 0.87)))).isEmpty();
        assertThat(compared(english, Map.of("chloroplast", unit(0), "chloroplast.", cosineTo(0, 0.881))))
                .singleElement().extracting(AnswerGrouping.Group::variants).isEqualTo(2);
    }

    @Test
    void answersWithoutStoredVectorsGroupByIdenticalTextOnly() {
        AnswerGrouping grouping = new AnswerGrouping(QUESTION, RUBRIC);
        grouping.add(first, "oxygen", null, false);
        grouping.add(second, "Oxygen", null, false);
        grouping.add(third, "oxygen.", null, false);
        assertThat(grouping.comparisons()).hasSize(1);
        // the variant's vector is not stored
        List<AnswerGrouping.Group> groups = compared(grouping, Map.of("oxygen", unit(0)));
        assertThat(groups).singleElement().satisfies(group -> {
            assertThat(group.members()).containsExactly(first, second);
            assertThat(group.variants()).isEqualTo(1);
        });
    }

    @Test
    void aNearIdenticalGroupsIdNamesItsExactMembersAndStaysTheSame() {
        Map<String, float[]> vectors = Map.of("oxygen", unit(0), "oxygen.", cosineTo(0, 0.95));
        UUID id = nearIdenticalId(vectors, first, second);
        assertThat(nearIdenticalId(vectors, first, second)).isEqualTo(id);
        assertThat(nearIdenticalId(vectors, first, second, third)).isNotEqualTo(id);
        // the same members with and without their near-identical variant are different snapshots
        AnswerGrouping exact = new AnswerGrouping(QUESTION, RUBRIC);
        exact.add(first, "oxygen", null, false);
        exact.add(third, "oxygen", null, false);
        exact.add(second, "oxygen.", null, false);
        UUID exactId = exact.groups().get(0).id();
        assertThat(compared(exact, vectors).get(0).id()).isNotEqualTo(exactId);
    }

    /** "oxygen" by the first, "oxygen." by the others. */
    private static UUID nearIdenticalId(Map<String, float[]> vectors, UUID head, UUID... variants) {
        AnswerGrouping grouping = new AnswerGrouping(QUESTION, RUBRIC);
        grouping.add(head, "oxygen", null, false);
        for (UUID variant : variants) {
            grouping.add(variant, "oxygen.", null, false);
        }
        return compared(grouping, vectors).get(0).id();
    }

    /** The grouping's comparisons handed the vectors of these (normalised) texts, as the service does. */
    private static List<AnswerGrouping.Group> compared(AnswerGrouping grouping, Map<String, float[]> vectors) {
        HexFormat hex = HexFormat.of();
        Map<String, float[]> byHash = new HashMap<>();
        vectors.forEach((text, vector) -> byHash.put(hex.formatHex(TextNormalizer.key(TextNormalizer.normalize(text))), vector));
        for (Comparison comparison : grouping.comparisons()) {
            grouping.compare(comparison, byHash.get(hex.formatHex(comparison.headSha256())),
                    byHash.get(hex.formatHex(comparison.textSha256())));
        }
        return grouping.groups();
    }

    private static AnswerGrouping.Group groupOf(List<AnswerGrouping.Group> groups, UUID member) {
        return groups.stream().filter(group -> group.members().contains(member)).findFirst().orElseThrow();
    }

    /** The unit vector along axis {@code axis} of four. */
    private static float[] unit(int axis) {
        float[] vector = new float[4];
        vector[axis] = 1;
        return vector;
    }

    /** A unit vector whose cosine to {@link #unit}({@code axis}) is {@code cosine}. */
    private static float[] cosineTo(int axis, double cosine) {
        float[] vector = new float[4];
        vector[axis] = (float) cosine;
        vector[(axis + 1) % 4] = (float) Math.sqrt(1 - cosine * cosine);
        return vector;
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
