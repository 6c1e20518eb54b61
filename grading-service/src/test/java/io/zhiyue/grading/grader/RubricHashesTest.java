package io.zhiyue.grading.grader;

import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RubricHashesTest {

    @Test
    void hashesAreSha256HexOfTheDocumentedCanonicalJson() {
        Rubric rubric = new Rubric(List.of(new ScoringPoint("p1", null, new BigDecimal("2.0"),
                new Match(List.of("光合作用"), null, null, new NumericMatch(new BigDecimal("3.140"), BigDecimal.ZERO)))));

        // Pinned so every service (and a later Java version) computes the same fingerprints.
        assertThat(RubricHashes.contentHash(rubric)).isEqualTo(JsonCodec.sha256Hex(
                "{\"points\":[{\"id\":\"p1\",\"match\":{\"anyOf\":[\"光合作用\"],\"numeric\":{\"tolerance\":0,"
                        + "\"value\":3.14}},\"points\":2}]}"));
        assertThat(RubricHashes.structureHash(rubric)).isEqualTo(JsonCodec.sha256Hex("[{\"id\":\"p1\",\"points\":2}]"));
        assertThat(RubricHashes.contentHash(rubric)).matches("[0-9a-f]{64}");
    }

    @Test
    void equalContentGivesEqualHashesWhateverTheDecimalScale() {
        Rubric a = rubric("1.50", "0.10", "photosynthesis", "first");
        Rubric b = rubric("1.5", "0.1", "photosynthesis", "first");

        assertThat(RubricHashes.contentHash(a)).isEqualTo(RubricHashes.contentHash(b));
        assertThat(RubricHashes.structureHash(a)).isEqualTo(RubricHashes.structureHash(b));
    }

    @Test
    void hashesAreStableAcrossCalls() {
        assertThat(RubricHashes.contentHash(base())).isEqualTo(RubricHashes.contentHash(base()));
        assertThat(RubricHashes.structureHash(base())).isEqualTo(RubricHashes.structureHash(base()));
    }

    @Test
    void editingADescriptionOrMatchChangesOnlyTheContentHash() {
        Rubric description = rubric("1.5", "0.1", "photosynthesis", "reworded");
        Rubric phrase = rubric("1.5", "0.1", "光合作用", "first");
        Rubric tolerance = rubric("1.5", "0.2", "photosynthesis", "first");

        for (Rubric edited : List.of(description, phrase, tolerance)) {
            assertThat(RubricHashes.contentHash(edited)).isNotEqualTo(RubricHashes.contentHash(base()));
            assertThat(RubricHashes.structureHash(edited)).isEqualTo(RubricHashes.structureHash(base()));
        }
    }

    @Test
    void changingPointsIdsOrOrderChangesBothHashes() {
        List<ScoringPoint> points = base().points();
        Rubric reweighted = rubric("2", "0.1", "photosynthesis", "first");
        Rubric renamed = new Rubric(List.of(
                new ScoringPoint("p1-renamed", points.get(0).description(), points.get(0).points(), points.get(0).match()),
                points.get(1)));
        Rubric reordered = new Rubric(List.of(points.get(1), points.get(0)));
        Rubric shortened = new Rubric(List.of(points.get(0)));

        for (Rubric changed : List.of(reweighted, renamed, reordered, shortened)) {
            assertThat(RubricHashes.contentHash(changed)).isNotEqualTo(RubricHashes.contentHash(base()));
            assertThat(RubricHashes.structureHash(changed)).isNotEqualTo(RubricHashes.structureHash(base()));
        }
    }

    @Test
    void theMatchHashIgnoresValuesAndDescriptionsButNotIdsMatchesOrOrder() {
        Rubric reweighted = rubric("2", "0.1", "photosynthesis", "reworded");
        assertThat(RubricHashes.matchHash(reweighted)).isEqualTo(RubricHashes.matchHash(base()))
                .isEqualTo(RubricHashes.matchHash(rubric("1.50", "0.10", "photosynthesis", "first")))
                .matches("[0-9a-f]{64}");

        List<ScoringPoint> points = base().points();
        Rubric phrase = rubric("1.5", "0.1", "光合作用", "first");
        Rubric tolerance = rubric("1.5", "0.2", "photosynthesis", "first");
        Rubric renamed = new Rubric(List.of(
                new ScoringPoint("p1-renamed", points.get(0).description(), points.get(0).points(), points.get(0).match()),
                points.get(1)));
        Rubric reordered = new Rubric(List.of(points.get(1), points.get(0)));
        for (Rubric changed : List.of(phrase, tolerance, renamed, reordered)) {
            assertThat(RubricHashes.matchHash(changed)).isNotEqualTo(RubricHashes.matchHash(base()));
        }
    }

    @Test
    void contentAndStructureHashesDiffer() {
        assertThat(RubricHashes.contentHash(base())).isNotEqualTo(RubricHashes.structureHash(base()));
    }

    private static Rubric base() {
        return rubric("1.5", "0.1", "photosynthesis", "first");
    }

    private static Rubric rubric(String firstPoints, String tolerance, String phrase, String description) {
        return new Rubric(List.of(
                new ScoringPoint("p1", description, new BigDecimal(firstPoints),
                        new Match(List.of(phrase), null, null, null)),
                new ScoringPoint("p2", "numeric answer", new BigDecimal("-1"),
                        new Match(null, null, "\\d+", new NumericMatch(new BigDecimal("3.14"), new BigDecimal(tolerance))))));
    }
}
