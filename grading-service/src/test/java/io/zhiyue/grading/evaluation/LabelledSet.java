package io.zhiyue.grading.evaluation;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The labelled short-answer set in {@code src/test/resources/evaluation} (how it was made: its
 * README): questions with their scale, and answers with the teacher's score.
 */
public record LabelledSet(List<Question> questions, List<Answer> answers) {

    public record Question(String id, String language, double maxScore, double step) {
    }

    public record Answer(String question, String text, double score) {
    }

    List<Answer> answersTo(Question question) {
        return answers.stream().filter(answer -> answer.question().equals(question.id())).toList();
    }

    public static LabelledSet load() {
        List<Question> questions = rows("/evaluation/questions.csv").stream()
                .map(row -> new Question(row.get("question"), row.get("language"),
                        Double.parseDouble(row.get("max_score")), Double.parseDouble(row.get("score_step"))))
                .toList();
        List<Answer> answers = rows("/evaluation/answers.csv").stream()
                .map(row -> new Answer(row.get("question"), row.get("answer"),
                        Double.parseDouble(row.get("teacher_score"))))
                .toList();
        return new LabelledSet(questions, answers);
    }

    private static List<Map<String, String>> rows(String resource) {
        CsvMapper mapper = new CsvMapper();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (InputStream in = LabelledSet.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the labelled set lacks " + resource);
            }
            List<Map<String, String>> rows = new ArrayList<>();
            try (MappingIterator<Map<String, String>> it = mapper.readerFor(Map.class).with(schema).readValues(in)) {
                it.forEachRemaining(rows::add);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
