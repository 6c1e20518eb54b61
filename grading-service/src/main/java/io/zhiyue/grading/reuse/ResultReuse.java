package io.zhiyue.grading.reuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.grader.ExemplarGrader;
import io.zhiyue.grading.grader.GradeResult;
import io.zhiyue.grading.grader.PointDecision;
import io.zhiyue.grading.grader.RuleBasedGrader;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.llm.GradingPrompt;
import io.zhiyue.grading.llm.LlmClient;
import io.zhiyue.grading.marking.MarkingPolicy;
import io.zhiyue.grading.model.ReviewStatus;
import io.zhiyue.grading.repository.BatchRepository.Outcome;
import io.zhiyue.grading.repository.BatchRepository.PendingTask;
import io.zhiyue.grading.repository.ReuseRepository;
import io.zhiyue.grading.repository.ReuseRepository.Context;
import io.zhiyue.grading.repository.ReuseRepository.MarksStamp;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identical answers are marked once. Before the AI graders see a batch, its ai-mode answers are addressed in the
 * result cache (cache-service) and looked up in one call:
 * <ul>
 * <li>question version = the rubric's content hash + a hash of what the graders read besides it (question text,
 * reference answer, scale);</li>
 * <li>key = the normalised answer's hash + a hash of the graders asked (ids and versions: the rule-based grader
 * when the rubric has points, the exemplar grader, the LLM's model and prompt version when one serves the tenant)
 * and of the teacher-marked exemplar set they learn from (its count and latest mark: any mark retires the
 * version's entries).</li>
 * </ul>
 * A hit reuses the stored proposal and point decisions (the result says from which layer); an entry of the newest
 * older rubric version with the same point ids and match rules ({@code match_hash}) is re-scored with the new point
 * values when its score follows from its points; identical answers of the batch that miss are graded once (the
 * others say {@code batch}). What was graded afresh is written back after the batch is recorded. Rule-mode
 * answers, answers a teacher has marked and jobs created with {@code reuseResults: false} take no part.
 *
 * <p>cache-service being slow or down costs nothing but the saving: the lookup is dropped (every answer graded) and
 * the write-back skipped, each counted in {@code zhiyue_grading_reuse_total{outcome}}.
 */
@ApplicationScoped
public class ResultReuse {

    /** How a batch's answers will be marked: those to grade, and the outcome of each answer reused. */
    public static final class Plan {

        private final List<PendingTask> toGrade;
        /** Each graded answer's cache address, by submission. */
        private final Map<UUID, Address> addresses;
        /** The identical answers waiting for one graded in their place, by that one's submission. */
        private final Map<UUID, List<PendingTask>> followers;
        private final List<Outcome> reused;

        private Plan(List<PendingTask> toGrade, Map<UUID, Address> addresses, Map<UUID, List<PendingTask>> followers,
                List<Outcome> reused) {
            this.toGrade = toGrade;
            this.addresses = addresses;
            this.followers = followers;
            this.reused = reused;
        }

        static Plan gradeAll(List<PendingTask> pending) {
            return new Plan(pending, Map.of(), Map.of(), List.of());
        }

        /** The answers the graders must see. */
        public List<PendingTask> toGrade() {
            return toGrade;
        }

        /** Where a graded answer's result goes in the cache (null: it takes no part in reuse). */
        public Address address(UUID submissionId) {
            return addresses.get(submissionId);
        }

        /**
         * Every outcome of the batch: the graded ones and, from each, those of the identical answers that waited
         * for it, then the ones reused from the cache.
         */
        public List<Outcome> complete(List<Outcome> graded) {
            List<Outcome> all = new ArrayList<>(graded.size() + reused.size());
            for (Outcome outcome : graded) {
                all.add(outcome);
                for (PendingTask follower : followers.getOrDefault(outcome.task().submissionId(), List.of())) {
                    Address address = address(outcome.task().submissionId());
                    all.add(new Outcome(follower, outcome.review(), outcome.proposal(), Reused.BATCH,
                            address == null ? null : address.questionVersion(), address == null ? null : address.key(),
                            false));
                }
            }
            all.addAll(reused);
            return all;
        }
    }

    /** An entry's address in the result cache. */
    public record Address(String questionVersion, String key) {
    }

    /** The {@code reused} column: how a result came to be when it was not graded afresh. */
    public static final class Reused {
        public static final String BATCH = "batch";
        public static final String RESCORED = "rescored";

        private Reused() {
        }
    }

    private final ResultCacheApi cache;
    private final ReuseRepository repository;
    private final LlmClient llm;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public ResultReuse(@RestClient ResultCacheApi cache, ReuseRepository repository, LlmClient llm,
            MeterRegistry registry) {
        this.cache = cache;
        this.repository = repository;
        this.llm = llm;
        this.registry = registry;
    }

    /** Looks the batch's ai-mode answers up in one call and plans what is left to grade. */
    public Uni<Plan> plan(String tenant, List<PendingTask> pending) {
        List<PendingTask> candidates = pending.stream().filter(ResultReuse::takesPart).toList();
        if (candidates.isEmpty()) {
            return Uni.createFrom().item(Plan.gradeAll(pending));
        }
        List<UUID> versions = candidates.stream().map(PendingTask::rubricId).distinct().toList();
        return repository.contexts(tenant, versions).chain(contexts -> {
            String graders = llm.serves(tenant) ? "llm:" + llm.model() + "/prompt-" + GradingPrompt.VERSION : null;
            // identical answers share an address: looked up once, graded once
            Map<Address, List<PendingTask>> groups = new LinkedHashMap<>();
            Map<Address, Address> priors = new HashMap<>();
            // per version, once: its question version and its older version's
            Map<UUID, String> versionOf = new HashMap<>();
            Map<UUID, String> priorVersionOf = new HashMap<>();
            contexts.forEach((id, context) -> {
                versionOf.put(id, questionVersion(context.contentHash(), context));
                if (context.priorHash() != null) {
                    priorVersionOf.put(id, questionVersion(context.priorHash(), context));
                }
            });
            for (PendingTask task : candidates) {
                Context context = contexts.get(task.rubricId());
                if (context == null) {
                    continue;
                }
                String answer = JsonCodec.sha256Hex(TextNormalizer.normalize(task.answer()));
                String asked = gradersOf(task, graders);
                Address address = new Address(versionOf.get(task.rubricId()), key(answer, asked, context.stamp()));
                groups.computeIfAbsent(address, ignored -> new ArrayList<>()).add(task);
                if (context.priorHash() != null) {
                    priors.put(address, new Address(priorVersionOf.get(task.rubricId()),
                            key(answer, asked, context.priorStamp())));
                }
            }
            List<ResultCacheApi.Ref> refs = new ArrayList<>(groups.size() + priors.size());
            groups.keySet().forEach(address -> refs.add(new ResultCacheApi.Ref(address.questionVersion(), address.key())));
            priors.values().forEach(address -> refs.add(new ResultCacheApi.Ref(address.questionVersion(), address.key())));
            return lookup(tenant, refs).map(hits -> plan(pending, groups, priors, hits, contexts));
        });
    }

    /** Writes back what the batch graded afresh (a failure costs only the saving). */
    public Uni<Void> remember(String tenant, List<Outcome> outcomes) {
        List<ResultCacheApi.Entry> entries = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome.store() && outcome.proposal() != null) {
                entries.add(new ResultCacheApi.Entry(outcome.reuseVersion(), outcome.reuseKey(),
                        value(outcome.proposal())));
            }
        }
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(chunks(entries))
                .onItem().transformToUniAndConcatenate(chunk -> cache.put(tenant, new ResultCacheApi.Entries(chunk)))
                .collect().last()
                .invoke(() -> count("stored", entries.size()))
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    count("store-failed", entries.size());
                    Log.warnf("%d results were not stored for reuse: %s", entries.size(), failure.toString());
                    return null;
                });
    }

    /**
     * A review mark that changes the AI's proposal takes the proposal's cache entry out of every layer, so it is
     * never reused for an identical answer (the mark also changes the exemplar set, so newer entries are addressed
     * apart). A failure is logged: the new mark stamp already keeps the entry from being asked for.
     */
    public Uni<Void> overridden(String tenant, UUID jobId, UUID submissionId, BigDecimal markedScore) {
        return repository.address(tenant, jobId, submissionId).chain(address -> {
            if (address == null || address.proposedScore() != null
                    && address.proposedScore().compareTo(markedScore) == 0) {
                return Uni.createFrom().voidItem();
            }
            return cache.invalidate(tenant, address.questionVersion(), address.key())
                    .invoke(() -> count("invalidated", 1));
        }).onFailure().recoverWithItem(failure -> {
            count("invalidate-failed", 1);
            Log.warnf("the cached result of submission %s was not invalidated: %s", submissionId, failure.toString());
            return null;
        });
    }

    private Uni<Map<Address, ResultCacheApi.Hit>> lookup(String tenant, List<ResultCacheApi.Ref> refs) {
        return Multi.createFrom().iterable(chunks(refs))
                .onItem().transformToUniAndConcatenate(chunk -> cache.lookup(tenant, new ResultCacheApi.Refs(chunk)))
                .collect().in(() -> (Map<Address, ResultCacheApi.Hit>) new HashMap<Address, ResultCacheApi.Hit>(),
                        (found, hits) -> hits.hits()
                                .forEach(hit -> found.put(new Address(hit.questionVersion(), hit.key()), hit)))
                .onFailure().recoverWithItem(failure -> {
                    count("lookup-failed", refs.size());
                    Log.warnf("the result cache could not be asked; the batch is graded in full: %s", failure.toString());
                    return Map.of();
                });
    }

    private Plan plan(List<PendingTask> pending, Map<Address, List<PendingTask>> groups, Map<Address, Address> priors,
            Map<Address, ResultCacheApi.Hit> hits, Map<UUID, Context> contexts) {
        List<PendingTask> toGrade = new ArrayList<>();
        Map<UUID, Address> addresses = new HashMap<>();
        Map<UUID, List<PendingTask>> followers = new HashMap<>();
        List<Outcome> reused = new ArrayList<>();
        for (PendingTask task : pending) {
            if (!takesPart(task) || !contexts.containsKey(task.rubricId())) {
                toGrade.add(task);
            }
        }
        int fromCache = 0;
        int rescored = 0;
        int batch = 0;
        for (Map.Entry<Address, List<PendingTask>> group : groups.entrySet()) {
            Address address = group.getKey();
            List<PendingTask> tasks = group.getValue();
            ResultCacheApi.Hit hit = hits.get(address);
            GradeResult proposal = hit == null ? null : proposal(hit.value());
            String source = hit == null ? null : hit.source();
            if (proposal == null && priors.containsKey(address) && hits.containsKey(priors.get(address))) {
                proposal = rescore(proposal(hits.get(priors.get(address)).value()),
                        contexts.get(tasks.getFirst().rubricId()));
                source = Reused.RESCORED;
            }
            if (proposal != null) {
                for (PendingTask task : tasks) {
                    // the answer's own marking settings decide, as for a proposal graded now
                    reused.add(new Outcome(task, MarkingPolicy.decide(task.marking(), proposal.confidence()),
                            proposal, source, address.questionVersion(), address.key(), false));
                }
                if (Reused.RESCORED.equals(source)) {
                    rescored += tasks.size();
                } else {
                    fromCache += tasks.size();
                }
                continue;
            }
            PendingTask first = tasks.getFirst();
            toGrade.add(first);
            addresses.put(first.submissionId(), address);
            if (tasks.size() > 1) {
                followers.put(first.submissionId(), tasks.subList(1, tasks.size()));
                batch += tasks.size() - 1;
            }
        }
        count("hit", fromCache);
        count("rescored", rescored);
        count("batch", batch);
        count("miss", addresses.size());
        return new Plan(toGrade, addresses, followers, reused);
    }

    private static boolean takesPart(PendingTask task) {
        return task.reuse() && task.marking().ai() && task.teacherScore() == null;
    }

    /** The graders asked about the task's answer, ids and versions. */
    private static String gradersOf(PendingTask task, String llmGrader) {
        StringBuilder graders = new StringBuilder(ExemplarGrader.ID);
        if (llmGrader != null) {
            graders.append('+').append(llmGrader);
        }
        if (task.marking().graderProposes()) {
            graders.append('+').append(RuleBasedGrader.ID);
        }
        return graders.toString();
    }

    private static String questionVersion(String contentHash, Context context) {
        ObjectNode read = JsonCodec.mapper().createObjectNode();
        read.put("prompt", context.prompt());
        read.put("referenceAnswer", context.referenceAnswer());
        read.put("maxScore", context.maxScore());
        read.put("scoreStep", context.scoreStep());
        return contentHash.trim() + "." + JsonCodec.canonicalSha256Hex(read);
    }

    private static String key(String answerHash, String graders, MarksStamp stamp) {
        String asked = graders + "\n" + stamp.marks() + "@" + (stamp.latest() == null ? "-" : stamp.latest().toInstant());
        return answerHash + "." + JsonCodec.sha256Hex(asked).substring(0, 32);
    }

    private static JsonNode value(GradeResult proposal) {
        return JsonCodec.mapper().valueToTree(proposal);
    }

    /** The stored proposal; null when it cannot be read back whole (then the answer is graded). */
    private static GradeResult proposal(JsonNode value) {
        try {
            GradeResult proposal = JsonCodec.mapper().treeToValue(value, GradeResult.class);
            return proposal.score() == null || proposal.confidence() == null || proposal.graderId() == null
                    || proposal.points() == null ? null : proposal;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * An older version's proposal under the new point values: only when its score is its awarded points' sum
     * (clamped to the scale, down to the step) and every decided point is still there; else null (graded).
     */
    static GradeResult rescore(GradeResult older, Context now) {
        if (older == null || older.points().isEmpty()
                || scoreOf(older.points(), now).compareTo(older.score()) != 0) {
            return null;
        }
        List<PointDecision> decisions = new ArrayList<>(older.points().size());
        for (PointDecision decision : older.points()) {
            BigDecimal value = now.pointValues().get(decision.id());
            if (value == null) {
                return null;
            }
            // a point not awarded keeps its grader's way of showing it: its value, or nothing
            BigDecimal shown = decision.awarded() || decision.points().signum() != 0 ? value : BigDecimal.ZERO;
            decisions.add(new PointDecision(decision.id(), decision.awarded(), shown, decision.evidence()));
        }
        return new GradeResult(older.graderId(), scoreOf(decisions, now), now.maxScore(), older.confidence(),
                List.copyOf(decisions));
    }

    private static BigDecimal scoreOf(List<PointDecision> decisions, Context context) {
        BigDecimal sum = BigDecimal.ZERO;
        for (PointDecision decision : decisions) {
            if (decision.awarded()) {
                sum = sum.add(decision.points());
            }
        }
        BigDecimal clamped = sum.max(BigDecimal.ZERO).min(context.maxScore());
        return clamped.divide(context.scoreStep(), 0, RoundingMode.FLOOR).multiply(context.scoreStep())
                .stripTrailingZeros();
    }

    private static <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < all.size(); from += ResultCacheApi.MAX_ENTRIES) {
            chunks.add(all.subList(from, Math.min(all.size(), from + ResultCacheApi.MAX_ENTRIES)));
        }
        return chunks;
    }

    private void count(String outcome, int n) {
        if (n > 0) {
            counters.computeIfAbsent(outcome, name -> Counter.builder("zhiyue.grading.reuse").tag("outcome", name)
                    .register(registry)).increment(n);
        }
    }
}
