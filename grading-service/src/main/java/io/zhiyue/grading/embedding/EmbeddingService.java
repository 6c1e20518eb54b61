package io.zhiyue.grading.embedding;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.repository.EmbeddingRepository;
import io.zhiyue.grading.service.ExamService;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Embeddings of answers as the exemplar grader needs them: by normalised text (the answers the
 * rule-based grader treats as equal share one vector), each distinct text embedded once per model
 * and stored, later asks served from the store.
 */
@ApplicationScoped
public class EmbeddingService {

    /** Distinct texts looked up and embedded per round: bounds the memory of a big question. */
    private static final int ROUND = 1_000;

    /** What one call did: answers asked for, distinct normalised texts, how many were embedded now. */
    public record Embedded(Map<String, float[]> byText, int distinct, int embeddedNow, long embedNanos) {
    }

    /** The report of embedding a question's answers. */
    public record QuestionEmbeddings(UUID questionId, int answers, int distinct, int embeddedNow, int reused,
            String model, double embedSeconds, Double embeddedPerSecond) {
    }

    private final AnswerEmbedder embedder;
    private final EmbeddingRepository store;
    private final ExamService exams;

    public EmbeddingService(AnswerEmbedder embedder, EmbeddingRepository store, ExamService exams) {
        this.embedder = embedder;
        this.store = store;
        this.exams = exams;
    }

    /** The unit vectors of the answers' normalised texts, by normalised text. */
    public Uni<Embedded> embeddings(List<String> answers) {
        return embeddingsOfNormalised(answers.stream().map(TextNormalizer::normalize).toList());
    }

    /** The same for texts the caller normalised already ({@link TextNormalizer}). */
    public Uni<Embedded> embeddingsOfNormalised(List<String> normalised) {
        Map<String, byte[]> hashes = new LinkedHashMap<>();
        for (String text : normalised) {
            hashes.computeIfAbsent(text, TextNormalizer::key);
        }
        List<String> texts = new ArrayList<>(hashes.keySet());
        Uni<Embedded> result = Uni.createFrom().item(new Embedded(new LinkedHashMap<>(), texts.size(), 0, 0));
        for (int from = 0; from < texts.size(); from += ROUND) {
            List<String> round = texts.subList(from, Math.min(texts.size(), from + ROUND));
            result = result.chain(soFar -> embedRound(round, hashes).map(done -> {
                soFar.byText().putAll(done.byText());
                return new Embedded(soFar.byText(), soFar.distinct(), soFar.embeddedNow() + done.embeddedNow(),
                        soFar.embedNanos() + done.embedNanos());
            }));
        }
        return result;
    }

    /** Embeds every answer of the question that has no stored vector yet; answers what it did. */
    @WithSpan
    public Uni<QuestionEmbeddings> embedQuestion(String tenant, UUID questionId) {
        return exams.findQuestion(tenant, questionId).chain(() -> store.answers(tenant, questionId))
                .chain(answers -> embeddings(answers).map(done -> {
                    double seconds = done.embedNanos() / 1e9;
                    return new QuestionEmbeddings(questionId, answers.size(), done.distinct(), done.embeddedNow(),
                            done.distinct() - done.embeddedNow(), AnswerEmbedder.MODEL, seconds,
                            done.embeddedNow() == 0 || seconds == 0 ? null : done.embeddedNow() / seconds);
                }));
    }

    private Uni<Embedded> embedRound(List<String> texts, Map<String, byte[]> hashes) {
        List<byte[]> keys = texts.stream().map(hashes::get).toList();
        return store.find(AnswerEmbedder.MODEL, keys).chain(stored -> {
            Map<String, float[]> byText = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (String text : texts) {
                float[] vector = stored.get(EmbeddingRepository.hex(hashes.get(text)));
                if (vector != null) {
                    byText.put(text, vector);
                } else {
                    missing.add(text);
                }
            }
            if (missing.isEmpty()) {
                return Uni.createFrom().item(new Embedded(byText, texts.size(), 0, 0));
            }
            long started = System.nanoTime();
            return embedder.embed(missing).chain(vectors -> {
                long nanos = System.nanoTime() - started;
                for (int i = 0; i < missing.size(); i++) {
                    byText.put(missing.get(i), vectors.get(i));
                }
                return store.insert(AnswerEmbedder.MODEL, missing.stream().map(hashes::get).toList(), vectors)
                        .map(ignored -> new Embedded(byText, texts.size(), missing.size(), nanos));
            });
        });
    }
}
