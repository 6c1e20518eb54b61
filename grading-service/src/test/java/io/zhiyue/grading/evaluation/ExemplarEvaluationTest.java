package io.zhiyue.grading.evaluation;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.embedding.AnswerEmbedder;
import io.zhiyue.grading.evaluation.ExemplarEvaluation.Row;
import io.zhiyue.grading.grader.ExemplarGrader;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the evaluation on the labelled set with the real in-process model and prints the table
 * (the figures in the issue notes come from here:
 * {@code ./mvnw -pl grading-service test -Dtest=ExemplarEvaluationTest}). It checks that every
 * question was evaluated on the answers it should be, not that a grader reaches a number: the
 * arithmetic is checked in {@link EvaluationFiguresTest}.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class ExemplarEvaluationTest {

    /** The application's own embedder: the model's native libraries load once per JVM, in one class loader. */
    @Inject
    AnswerEmbedder embedder;

    @Test
    void everyQuestionIsEvaluatedOnItsUnmarkedAnswers() {
        LabelledSet set = LabelledSet.load();
        Map<String, float[]> embedded = new HashMap<>();
        Function<List<String>, List<float[]>> embed = texts -> {
            List<String> missing = texts.stream().filter(text -> !embedded.containsKey(text)).toList();
            List<float[]> vectors = embedder.embed(missing).await().indefinitely();
            for (int i = 0; i < missing.size(); i++) {
                embedded.put(missing.get(i), vectors.get(i));
            }
            return texts.stream().map(embedded::get).toList();
        };
        List<Row> rows = ExemplarEvaluation.run(set, embed);
        System.out.println(ExemplarEvaluation.table(rows));
        // why these settings: the means over other neighbour counts and temperatures (1 ≈ plain
        // similarity weights), and with twice the marks
        for (int neighbours : new int[] {3, 7, 11}) {
            for (double temperature : new double[] {0.02, 0.05, 0.1, 1}) {
                System.out.printf(Locale.ROOT, "k=%-2d τ=%-4s %s%n", neighbours, temperature,
                        ExemplarEvaluation.means(ExemplarEvaluation.run(set, embed,
                                new ExemplarGrader.Settings(neighbours, temperature), ExemplarEvaluation.MARKED_PERCENT)));
            }
        }
        System.out.printf(Locale.ROOT, "40 %% marked %s%n", ExemplarEvaluation.means(
                ExemplarEvaluation.run(set, embed, ExemplarGrader.DEFAULT, 40)));

        assertThat(rows).hasSameSizeAs(set.questions());
        assertThat(set.questions()).extracting(LabelledSet.Question::language).contains("zh", "en");
        for (Row row : rows) {
            assertThat(row.marked()).isEqualTo(Math.round(row.answers() * ExemplarEvaluation.MARKED_PERCENT / 100f));
            for (EvaluationFigures figures : List.of(row.exemplar(), row.baseline(), row.randomSample())) {
                assertThat(figures.proposals()).isEqualTo(row.answers() - row.marked());
                assertThat(figures.kappa()).isNotNull().isBetween(-1.0, 1.0);
                assertThat(figures.autoAcceptRate()).isBetween(0.0, 1.0);
            }
        }
    }
}
