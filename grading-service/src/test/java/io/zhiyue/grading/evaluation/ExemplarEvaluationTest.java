package io.zhiyue.grading.evaluation;

import io.zhiyue.grading.embedding.AnswerEmbedder;
import io.zhiyue.grading.evaluation.ExemplarEvaluation.Row;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the evaluation on the labelled set with the real in-process model and prints the table
 * (the figures in the issue notes come from here:
 * {@code ./mvnw -pl grading-service test -Dtest=ExemplarEvaluationTest}). It checks that every
 * question was evaluated on the answers it should be, not that a grader reaches a number: the
 * arithmetic is checked in {@link EvaluationFiguresTest}.
 */
class ExemplarEvaluationTest {

    @Test
    void everyQuestionIsEvaluatedOnItsUnmarkedAnswers() {
        LabelledSet set = LabelledSet.load();
        AnswerEmbedder embedder = new AnswerEmbedder();
        List<Row> rows;
        try {
            rows = ExemplarEvaluation.run(set, texts -> embedder.embed(texts).await().indefinitely());
        } finally {
            embedder.close();
        }
        System.out.println(ExemplarEvaluation.table(rows));

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
