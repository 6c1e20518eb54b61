package io.zhiyue.grading.embedding;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.repository.EmbeddingRepository;
import io.zhiyue.grading.repository.EmbeddingRepository.Answer;
import io.zhiyue.grading.service.ExamService;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What to mark first ({@code GET /questions/{id}/exemplar-suggestions?count=N}): the medoids of
 * the question's answers not yet marked by a teacher under its current version
 * ({@link ExemplarChoice}), each with the student, since a teacher marks it as that student's
 * answer. Answers identical after normalisation are one point weighted by how many wrote it.
 */
@ApplicationScoped
public class ExemplarSuggestions {

    static final int DEFAULT_COUNT = 10;
    static final int MAX_COUNT = 200;

    /** The suggestions, most representative of the most answers first. */
    @RegisterForReflection
    public record Suggestions(UUID questionId, List<Item> items) {
    }

    /** {@code clusterSize}: how many unmarked answers this one stands for. */
    @RegisterForReflection
    public record Item(UUID submissionId, String studentId, String answer, int clusterSize) {
    }

    private final EmbeddingService embeddings;
    private final EmbeddingRepository answers;
    private final ExamService exams;

    public ExemplarSuggestions(EmbeddingService embeddings, EmbeddingRepository answers, ExamService exams) {
        this.embeddings = embeddings;
        this.answers = answers;
        this.exams = exams;
    }

    /** {@code count}: as the query gave it (null: the default); a 400 unless a whole number 1..200. */
    @WithSpan
    public Uni<Suggestions> suggest(String tenant, UUID questionId, String count) {
        int wanted = count(count);
        return exams.findQuestion(tenant, questionId).chain(() -> answers.unmarkedAnswers(tenant, questionId))
                .chain(unmarked -> {
                    // the first answer of each normalised text stands for all that share it
                    Map<String, List<Answer>> byText = new LinkedHashMap<>();
                    for (Answer answer : unmarked) {
                        byText.computeIfAbsent(TextNormalizer.normalize(answer.answer()), text -> new ArrayList<>())
                                .add(answer);
                    }
                    List<String> texts = new ArrayList<>(byText.keySet());
                    return embeddings.embeddingsOfNormalised(texts).emitOn(Infrastructure.getDefaultWorkerPool()).map(done -> {
                        List<ExemplarChoice.Point> points = texts.stream()
                                .map(text -> new ExemplarChoice.Point(done.byText().get(text), byText.get(text).size()))
                                .toList();
                        List<Item> items = ExemplarChoice.medoids(points, wanted).stream().map(medoid -> {
                            Answer answer = byText.get(texts.get(medoid.point())).get(0);
                            return new Item(answer.submissionId(), answer.studentId(), answer.answer(),
                                    medoid.clusterWeight());
                        }).toList();
                        return new Suggestions(questionId, items);
                    });
                });
    }

    private static int count(String count) {
        if (count == null) {
            return DEFAULT_COUNT;
        }
        if (count.isBlank()) {
            throw ZhiyueException.validation("count", "must be a whole number from 1 to " + MAX_COUNT);
        }
        try {
            int value = Integer.parseInt(count.trim());
            if (value >= 1 && value <= MAX_COUNT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ZhiyueException.validation("count", "must be a whole number from 1 to " + MAX_COUNT);
    }
}
