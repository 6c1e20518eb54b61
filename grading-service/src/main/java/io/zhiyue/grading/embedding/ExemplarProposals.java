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
 * latest mark, whatever its source: the marks upload, an answer group, a review). Before each
 * batch one grouped count of the versions' marks tells whether marks were added since the fit;
 * then the version is fitted again: at once when a tenth more marks or more came (an upload, a
 * group mark), else at most every {@link #REFIT_AFTER} (people resolving the queue add marks one
 * by one, and each would otherwise cost the next batch a whole fit). Batches that
 * need the same fit at the same time wait for one. Each fit proposes once per distinct normalised
 * text (short answers repeat: the bench's 20,000 answers are 3,850 texts) and fetches or embeds a
 * vector only for a text it has not proposed for. Answers are embedded through
 * {@link EmbeddingService} (each distinct text once, stored), so the model thread is the only one
 * embedding, and the k-NN runs on a worker thread, never the event loop.
 *
 * <p>A batch with no ai-mode answer to propose for, which includes every rule-mode batch, costs
 * nothing here: no query, no embedding. When the exemplar grader fails (the model, a query), the
 * batch goes on without its proposals: the rule-based points still propose, people decide the rest.
 *
 * <p>Memory: at most {@value #FITS} fits, each holding its marks' vectors (2 KiB a mark) and a
 * memo of at most {@value #PROPOSED_TEXT_CHARS} characters of proposed texts (~2 MB).
 */
@ApplicationScoped
public class ExemplarProposals {

    /** While people keep marking, a version is fitted again at most this often. */
    static final Duration REFIT_AFTER = Duration.ofSeconds(30);
    static final int FITS = 16;
    static final long PROPOSED_TEXT_CHARS = 1_000_000;
    /** How many of the most similar marked answers a proposal names (the LLM grader's prompt shows them). */
    static final int NEAREST = 3;

    /** A proposal and the most similar teacher-marked answers behind it, most similar first. */
    public record Proposed(ExemplarGrader.Proposal proposal, List<MarkedAnswer> nearest) {
    }

    /**
     * A fitted grader, the marks it was fitted on and when ({@code grader} null: fewer than the
     * minimum), with its proposals by normalised text: under one fit a text's proposal never changes.
     */
    private record Fitted(Stamp stamp, long fittedAtNanos, ExemplarGrader grader, List<MarkedAnswer> marked,
            Cache<String, Proposed> proposals) {

        Fitted(Stamp stamp, ExemplarGrader grader, List<MarkedAnswer> marked) {
            this(stamp, System.nanoTime(), grader, marked, Caffeine.newBuilder().maximumWeight(PROPOSED_TEXT_CHARS)
                    .weigher((String text, Proposed proposal) -> text.length() + 64).build());
        }

        Proposed propose(float[] vector) {
            ExemplarGrader.Proposal proposal = grader.propose(vector);
            int[] voters = proposal.voters();
            List<MarkedAnswer> nearest = new ArrayList<>(Math.min(NEAREST, voters.length));
            for (int i = 0; i < voters.length && i < NEAREST; i++) {
                nearest.add(marked.get(voters[i]));
            }
            return new Proposed(proposal, nearest);
        }

        /**
         * Whether this fit still serves marks now stamped {@code now}: the same marks, or a few more
         * (under a tenth more, as people resolving the queue add them one by one) while it is young. Fewer marks
         * never: marks were deleted (an answer's deletion, a student's erasure), and the fit must not show them.
         */
        boolean serves(Stamp now) {
            return stamp.equals(now) || grader != null && now.marks() > stamp.marks()
                    && now.marks() * 10 < stamp.marks() * 11
                    && System.nanoTime() - fittedAtNanos < REFIT_AFTER.toNanos();
        }
    }

    /** A version as its marks stood: a fit under way is shared only by batches that saw the same marks. */
    private record Marks(UUID version, Stamp stamp) {
    }

    private final ExemplarRepository marks;
    private final EmbeddingService embeddings;
    private final Cache<UUID, Fitted> fitted;
    /** The fits under way: batches that miss the cache at once wait for one fit, not one each. */
    private final Map<Marks, Uni<Fitted>> fitting = new ConcurrentHashMap<>();
    private final Counter proposals;
    private final Counter failures;
    private final Timer fitTimer;
    private final Timer proposeTimer;

    public ExemplarProposals(ExemplarRepository marks, EmbeddingService embeddings, MeterRegistry registry) {
        this.marks = marks;
        this.embeddings = embeddings;
        this.fitted = Caffeine.newBuilder().maximumSize(FITS).build();
        this.proposals = Counter.builder("zhiyue.grading.exemplar.proposals").register(registry);
        this.failures = Counter.builder("zhiyue.grading.exemplar.failures").register(registry);
        this.fitTimer = Timer.builder("zhiyue.grading.exemplar.fit").register(registry);
        this.proposeTimer = Timer.builder("zhiyue.grading.exemplar.propose").publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /**
     * The proposals for the tasks the exemplar grader is asked about (ai mode, no teacher mark of
     * their own) whose version has at least {@link ExemplarGrader#MIN_EXEMPLARS} marked answers, by
     * submission id; on a worker thread when there are any.
     */
    public Uni<Map<UUID, Proposed>> propose(String tenant, List<PendingTask> pending) {
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
                .chain(fits -> propose(asked, fits))
                .onFailure().recoverWithItem(failure -> {
                    failures.increment();
                    Log.errorf("the exemplar grader could not propose for a batch; it goes on without: %s",
                            failure.toString());
                    return Map.of();
                });
    }

    /**
     * The teacher-marked answers of {@code version} most like {@code answer}, most similar first: those the exemplar
     * grader's proposal for it rests on (none while the version has fewer than {@link ExemplarGrader#MIN_EXEMPLARS}
     * marks). Shares the fit and the proposals' memo with marking, so an answer a job proposed for costs no embedding.
     */
    public Uni<List<MarkedAnswer>> nearest(String tenant, UUID version, String answer) {
        return marks.stamps(tenant, Set.of(version)).chain(stamps -> fitted(tenant, version, stamps.get(version)))
                .chain(fit -> {
                    if (fit == null || fit.grader() == null) {
                        return Uni.createFrom().item(List.<MarkedAnswer>of());
                    }
                    String text = TextNormalizer.normalize(answer);
                    Proposed known = fit.proposals().getIfPresent(text);
                    if (known != null) {
                        return Uni.createFrom().item(known.nearest());
                    }
                    return embeddings.embeddingsOfNormalised(List.of(text)).emitOn(Infrastructure.getDefaultWorkerPool())
                            .map(done -> fit.proposals().get(text, ignored -> fit.propose(done.byText().get(text)))
                                    .nearest());
                });
    }

    private Uni<Map<UUID, Proposed>> propose(List<PendingTask> asked, Map<UUID, Fitted> fits) {
        Map<UUID, Proposed> proposed = new HashMap<>();
        List<PendingTask> missed = new ArrayList<>();
        List<String> missedTexts = new ArrayList<>();
        for (PendingTask task : asked) {
            Fitted fit = fits.get(task.rubricId());
            if (fit == null) {
                continue;
            }
            String text = TextNormalizer.normalize(task.answer());
            Proposed known = fit.proposals().getIfPresent(text);
            if (known != null) {
                proposed.put(task.submissionId(), known);
            } else {
                missed.add(task);
                missedTexts.add(text);
            }
        }
        proposals.increment(proposed.size());
        if (missed.isEmpty()) {
            return Uni.createFrom().item(proposed);
        }
        return embeddings.embeddingsOfNormalised(missedTexts).emitOn(Infrastructure.getDefaultWorkerPool()).map(done -> {
            Timer.Sample sample = Timer.start();
            for (int i = 0; i < missed.size(); i++) {
                PendingTask task = missed.get(i);
                Fitted fit = fits.get(task.rubricId());
                float[] vector = done.byText().get(missedTexts.get(i));
                proposed.put(task.submissionId(),
                        fit.proposals().get(missedTexts.get(i), text -> fit.propose(vector)));
            }
            sample.stop(proposeTimer);
            proposals.increment(missed.size());
            return proposed;
        });
    }

    /** The version's fit for its marks as they are now (null: fewer than five). */
    private Uni<Fitted> fitted(String tenant, UUID version, Stamp stamp) {
        if (stamp == null || stamp.marks() < ExemplarGrader.MIN_EXEMPLARS) {
            return Uni.createFrom().nullItem();
        }
        Fitted known = fitted.getIfPresent(version);
        if (known != null && known.serves(stamp)) {
            return Uni.createFrom().item(known);
        }
        Marks key = new Marks(version, stamp);
        return fitting.computeIfAbsent(key, ignored -> fit(tenant, version, stamp)
                .invoke(fit -> fitted.put(version, fit))
                // a block, not an expression: remove(…) answers this very Uni, and eventually(…) would wait on it
                .eventually(() -> {
                    fitting.remove(key);
                })
                .memoize().indefinitely());
    }

    private Uni<Fitted> fit(String tenant, UUID version, Stamp stamp) {
        return marks.markedAnswers(tenant, version).chain(marked -> {
            List<String> texts = marked.stream().map(answer -> TextNormalizer.normalize(answer.answer())).toList();
            return embeddings.embeddingsOfNormalised(texts).emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(done -> new Fitted(stamp, fit(version, marked, texts, done.byText()), marked));
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
