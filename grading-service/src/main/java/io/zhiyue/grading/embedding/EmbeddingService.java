package io.zhiyue.grading.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.checkpoint.Checkpoints;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.repository.EmbeddingRepository;
import io.zhiyue.grading.service.ExamService;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Embeddings of answers as the exemplar grader needs them: by normalised text (the answers the
 * rule-based grader treats as equal share one vector), each distinct text embedded once per model
 * and stored, later asks served from the store.
 *
 * <p>Embedding a whole question is a stage of minutes on a big exam; it goes in rounds of
 * {@code zhiyue.grading.embedding-round} distinct texts (sorted, so every run sees them in one
 * order), and after each round its progress is checkpointed in checkpoint-service (thread = the
 * question, namespace {@value #STAGE}): how many texts are done, and a SHA-256 over their keys.
 * A stage started again — after a crash, or a call that ran out of its time — resumes after the
 * last checkpointed round when the texts before it are still the same ones (else it starts over,
 * and says why).
 */
@ApplicationScoped
public class EmbeddingService {

    /** The namespace of a question's embedding stage in checkpoint-service. */
    static final String STAGE = "embedding";

    /** What one call did: answers asked for, distinct normalised texts, how many were embedded now. */
    public record Embedded(Map<String, float[]> byText, int distinct, int embeddedNow, long embedNanos) {
    }

    /**
     * The report of embedding a question's answers: {@code resumedAfter} distinct texts were done
     * by checkpoint {@code checkpointId} of an earlier run (0 and null: it started from the first);
     * {@code resumeNote} says why an earlier run's checkpoint was not resumed from, if there was one.
     */
    public record QuestionEmbeddings(UUID questionId, int answers, int distinct, int embeddedNow, int reused,
            String model, double embedSeconds, Double embeddedPerSecond, int resumedAfter, UUID checkpointId,
            String resumeNote) {
    }

    private final AnswerEmbedder embedder;
    private final EmbeddingRepository store;
    private final ExamService exams;
    private final Checkpoints checkpoints;
    /** Distinct texts looked up and embedded per round: bounds the memory of a big question. */
    private final int round;

    public EmbeddingService(AnswerEmbedder embedder, EmbeddingRepository store, ExamService exams,
            Checkpoints checkpoints, GradingConfig config) {
        this.embedder = embedder;
        this.store = store;
        this.exams = exams;
        this.checkpoints = checkpoints;
        this.round = config.embeddingRound();
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
        for (int from = 0; from < texts.size(); from += round) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + round));
            result = result.chain(soFar -> embedRound(chunk, hashes).map(done -> {
                soFar.byText().putAll(done.byText());
                return new Embedded(soFar.byText(), soFar.distinct(), soFar.embeddedNow() + done.embeddedNow(),
                        soFar.embedNanos() + done.embedNanos());
            }));
        }
        return result;
    }

    /**
     * Embeds every answer of the question that has no stored vector yet, resuming after the last
     * checkpointed round of an earlier run; answers what it did.
     */
    @WithSpan
    public Uni<QuestionEmbeddings> embedQuestion(String tenant, UUID questionId) {
        return exams.findQuestion(tenant, questionId).chain(() -> store.answers(tenant, questionId))
                .chain(answers -> {
                    Map<String, byte[]> hashes = new LinkedHashMap<>();
                    for (String answer : answers) {
                        hashes.computeIfAbsent(TextNormalizer.normalize(answer), TextNormalizer::key);
                    }
                    List<String> texts = new ArrayList<>(hashes.keySet());
                    Fingerprint fingerprint = new Fingerprint(new ArrayList<>(hashes.values()));
                    return checkpoints.restore(tenant, questionId, STAGE, "the embedding stage of question " + questionId)
                            .chain(found -> {
                                Resume resume = Resume.of(found, fingerprint);
                                Uni<Stage> stage = Uni.createFrom().item(new Stage(resume.after(), 0, 0));
                                for (int from = resume.after(); from < texts.size(); from += round) {
                                    int to = Math.min(texts.size(), from + round);
                                    List<String> chunk = texts.subList(from, to);
                                    stage = stage.chain(soFar -> embedRound(chunk, hashes)
                                            .call(done -> checkpoints.save(tenant, questionId, STAGE,
                                                    progress(fingerprint, to), "embedding-stage"))
                                            .map(done -> soFar.plus(done, to)));
                                }
                                return stage.map(done -> report(questionId, answers.size(), texts.size(), done, resume));
                            });
                });
    }

    /** Where a question's embedding stage takes up: after {@code after} texts of checkpoint {@code id}. */
    private record Resume(int after, UUID id, String note) {

        static Resume of(Checkpoints.Found found, Fingerprint fingerprint) {
            if (!found.found()) {
                return new Resume(0, null, found.why());
            }
            JsonNode state = found.state();
            int done = state.path("texts").asInt(-1);
            if (!AnswerEmbedder.MODEL.equals(state.path("model").asText())) {
                return new Resume(0, null, "checkpoint " + found.id() + " was made with another model");
            }
            if (done < 0 || done > fingerprint.texts()
                    || !fingerprint.upTo(done).equals(state.path("fingerprint").asText())) {
                return new Resume(0, null, "the answers changed since checkpoint " + found.id());
            }
            Log.infof("the embedding stage resumes after %d of %d texts (checkpoint %s)", done, fingerprint.texts(),
                    found.id());
            return new Resume(done, found.id(), found.why());
        }
    }

    /** A stage so far: texts done, embedded by this run, model time. */
    private record Stage(int done, int embeddedNow, long embedNanos) {

        Stage plus(Embedded round, int to) {
            return new Stage(to, embeddedNow + round.embeddedNow(), embedNanos + round.embedNanos());
        }
    }

    private static QuestionEmbeddings report(UUID questionId, int answers, int distinct, Stage done, Resume resume) {
        double seconds = done.embedNanos() / 1e9;
        return new QuestionEmbeddings(questionId, answers, distinct, done.embeddedNow(), distinct - done.embeddedNow(),
                AnswerEmbedder.MODEL, seconds, done.embeddedNow() == 0 || seconds == 0 ? null : done.embeddedNow() / seconds,
                resume.after(), resume.id(), resume.note());
    }

    /** The checkpointed progress of a stage that has done the first {@code done} texts. */
    private static ObjectNode progress(Fingerprint fingerprint, int done) {
        ObjectNode state = JsonCodec.mapper().createObjectNode();
        state.put("model", AnswerEmbedder.MODEL).put("texts", done).put("distinct", fingerprint.texts())
                .put("fingerprint", fingerprint.upTo(done));
        return state;
    }

    /**
     * SHA-256 over the keys of the first n texts, in order: the same only for the same texts. Asked
     * for growing n (the rounds of one run), each key is hashed once; a smaller n starts over.
     */
    static final class Fingerprint {

        private final List<byte[]> keys;
        private MessageDigest digest;
        private int hashed;

        Fingerprint(List<byte[]> keys) {
            this.keys = keys;
        }

        int texts() {
            return keys.size();
        }

        String upTo(int n) {
            try {
                if (digest == null || n < hashed) {
                    digest = MessageDigest.getInstance("SHA-256");
                    hashed = 0;
                }
                while (hashed < n) {
                    digest.update(keys.get(hashed++));
                }
                return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
            } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
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
