package io.zhiyue.grading.embedding;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.zhiyue.grading.grader.ExemplarGrader;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.repository.BatchRepository.PendingTask;
import io.zhiyue.grading.repository.ExemplarRepository;
import io.zhiyue.grading.repository.ExemplarRepository.MarkedAnswer;
import io.zhiyue.grading.repository.ExemplarRepository.Stamp;
import jakarta.enterprise.context.ApplicationScoped;


import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exemplar grader's proposals for a batch's ai-mode answers ({@link ExemplarGrader}). Per
 * question version it fits the grader on the version's teacher marks (each marked submission's
 * latest mark, whatever its source: the marks upload, an answer group, a review) and keeps it
 * while the marks stay the same: before each batch one grouped count of the versions' marks tells
 * whether a mark was added since, and only then is the version fitted again. Answers are embedded
 * through {@link EmbeddingService} (each distinct normalised text once, stored), so the model
 * thread is the only one embedding and the k-NN runs on a worker thread, never the event loop.
 *
 * <p>A batch with no ai-mode answer to propose for, which includes every rule-mode batch, costs
 * nothing here: no query, no embedding.
 */
@ApplicationScoped
public class ExemplarProposals {

    /**
     * A fitted grader and the marks it was fitted on ({@code grader} null: fewer than the minimum),
     * with its proposals by normalised text: short answers repeat a lot (the bench's 20,000 answers
     * are 3,850 texts), and a text's proposal under one fit never changes. Bounded by characters.
     */
    private record Fitted(Stamp stamp, ExemplarGrader grader, Cache<String, ExemplarGrader.Proposal> proposals) {

        Fitted(Stamp stamp, ExemplarGrader grader) {
            this(stamp, grader, Caffeine.newBuilder().maximumWeight(PROPOSED_TEXT_CHARS)
                    .weigher((String text, ExemplarGrader.Proposal proposal) -> text.length() + 64).build());
        }

        ExemplarGrader.Proposal propose(String text, float[] vector) {
            return proposals.get(text, ignored -> grader.propose(vector));
        }
    }

    /** Characters of proposed texts remembered per fit (~8 MB at most). */
    private static final long PROPOSED_TEXT_CHARS = 4_000_000;

    private final ExemplarRepository marks;
    private final EmbeddingService embeddings;
    private final Cache<UUID, Fitted> fitted;
    /** The fits under way: batches that miss the cache at once wait for one fit, not one each. */
    private final Map<UUID, Uni<Fitted>> fitting = new ConcurrentHashMap<>();
    private final Counter proposals;
    private final Timer fitTimer;
    private final Timer proposeTimer;

    public ExemplarProposals(ExemplarRepository marks, EmbeddingService embeddings, MeterRegistry registry) {
        this.marks = marks;
        this.embeddings = embeddings;
        // a version's fit holds its marked answers' vectors (2 KiB each): bounded by versions in use
        this.fitted = Caffeine.newBuilder().maximumSize(64).build();
        this.proposals = Counter.builder("zhiyue.grading.exemplar.proposals").register(registry);
        this.fitTimer = Timer.builder("zhiyue.grading.exemplar.fit").register(registry);
        this.proposeTimer = Timer.builder("zhiyue.grading.exemplar.propose").publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /**
     * The proposals for the tasks the exemplar grader is asked about (ai mode, no teacher mark of
     * their own) whose version has at least {@link ExemplarGrader#MIN_EXEMPLARS} marked answers, by
     * submission id; on a worker thread when there are any.
     */
    public Uni<Map<UUID, ExemplarGrader.Proposal>> propose(String tenant, List<PendingTask> pending) {
        List<PendingTask> asked = pending.stream()
                .filter(task -> task.marking().ai() && task.teacherScore() == null).toList();
        if (asked.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Set<UUID> versions = new LinkedHashSet<>();
        asked.forEach(task -> versions.add(task.rubricId()));
        return marks.stamps(tenant, versions)
                .chain(stamps -> Multi.createFrom().iterable(versions)
                        .onItem().transformToUniAndConcatenate(version -> fitted(tenant, version, stamps.get(version))
                                .map(fit -> fit == null || fit.grader() == null ? Map.<UUID, Fitted>of()
                                        : Map.of(version, fit)))
                        .collect().in(HashMap<UUID, Fitted>::new, Map::putAll))
                .chain(graders -> propose(asked, graders));
    }

    private Uni<Map<UUID, ExemplarGrader.Proposal>> propose(List<PendingTask> asked, Map<UUID, Fitted> graders) {
        List<PendingTask> graded = asked.stream().filter(task -> graders.containsKey(task.rubricId())).toList();
        if (graded.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<String> texts = graded.stream().map(task -> TextNormalizer.normalize(task.answer())).toList();
        return embeddings.embeddingsOfNormalised(texts).emitOn(Infrastructure.getDefaultWorkerPool()).map(done -> {
            Timer.Sample sample = Timer.start();
            Map<UUID, ExemplarGrader.Proposal> proposed = new HashMap<>();
            for (int i = 0; i < graded.size(); i++) {
                PendingTask task = graded.get(i);
                String text = texts.get(i);
                proposed.put(task.submissionId(), graders.get(task.rubricId()).propose(text, done.byText().get(text)));
            }
            sample.stop(proposeTimer);
            proposals.increment(proposed.size());
            return proposed;
        });
    }

    /**
     * The version's fit as its marks are now (null: no marks at all); fitted again only when they
     * changed, and once however many batches ask at the same time.
     */
    private Uni<Fitted> fitted(String tenant, UUID version, Stamp stamp) {
        if (stamp == null || stamp.marks() < ExemplarGrader.MIN_EXEMPLARS) {
            return Uni.createFrom().nullItem();
        }
        Fitted known = fitted.getIfPresent(version);
        if (known != null && known.stamp().equals(stamp)) {
            return Uni.createFrom().item(known);
        }
        return fitting.computeIfAbsent(version, ignored -> fit(tenant, version, stamp)
                .invoke(fit -> fitted.put(version, fit))
                // a block, not an expression: remove(…) answers this very Uni, and eventually(…) would wait on it
                .eventually(() -> {
                    fitting.remove(version);
                })
                .memoize().indefinitely());
    }

    private Uni<Fitted> fit(String tenant, UUID version, Stamp stamp) {
        return marks.markedAnswers(tenant, version).chain(marked -> {
            List<String> texts = marked.stream().map(answer -> TextNormalizer.normalize(answer.answer())).toList();
            return embeddings.embeddingsOfNormalised(texts).emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(done -> new Fitted(stamp, fit(version, marked, texts, done.byText())));
        });
    }

    private ExemplarGrader fit(UUID version, List<MarkedAnswer> marked, List<String> texts, Map<String, float[]> vectors) {
        if (marked.size() < ExemplarGrader.MIN_EXEMPLARS) {
            return null;
        }
        List<ExemplarGrader.Exemplar> exemplars = new ArrayList<>(marked.size());
        for (int i = 0; i < marked.size(); i++) {
            exemplars.add(new ExemplarGrader.Exemplar(vectors.get(texts.get(i)), marked.get(i).score().doubleValue()));
        }
        long started = System.nanoTime();
        ExemplarGrader grader = ExemplarGrader.fit(exemplars);
        long nanos = System.nanoTime() - started;
        fitTimer.record(Duration.ofNanos(nanos));
        Log.debugf("exemplar grader for version %s fitted on %d teacher marks in %d ms", version, exemplars.size(),
                nanos / 1_000_000);
        return grader;
    }
}
