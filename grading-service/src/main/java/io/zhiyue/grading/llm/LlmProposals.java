package io.zhiyue.grading.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.model.openai.internal.chat.AssistantMessage;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.Message;
import dev.langchain4j.model.openai.internal.chat.SystemMessage;
import dev.langchain4j.model.openai.internal.chat.UserMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.embedding.ExemplarProposals.Proposed;
import io.zhiyue.grading.grader.GradeResult;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.repository.BatchRepository.PendingTask;
import io.zhiyue.grading.repository.ExemplarRepository.MarkedAnswer;
import io.zhiyue.grading.repository.LlmRepository;
import io.zhiyue.grading.repository.LlmRepository.AuditRecord;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The LLM grader's proposals for a batch's ai-mode answers, when an LLM is configured and may see
 * the tenant's answers ({@link LlmClient#serves}). One call per distinct answer text of a question
 * version in the batch (copied answers are asked about once; across batches, jobs and instances
 * {@code ResultReuse} keeps an answer already proposed for from reaching this grader; a job that
 * does not reuse results has every answer asked about), as many of a batch at once as the client's bulkhead lets through (so
 * a spent budget is seen before the next call, not after a queue of them). Each reply is checked ({@link LlmVerdict}); a malformed one is asked again once, with
 * the problem named; a second malformed reply, an unavailable provider (after its retries) or a
 * spent token budget sends the answer to people ({@link Outcome#review()}), never to FAILED.
 *
 * <p>Each call's prompt, reply and tokens are stored right after it (audit record and the job's
 * spending in one statement), and the job's spending read back, so a budget is overrun by at
 * most the calls already under way when it ran out (a bulkhead's worth per batch being graded).
 * A batch's calls end within {@code zhiyue.llm.batch-deadline}; what is left goes to people.
 */
@ApplicationScoped
public class LlmProposals {

    static final String BUDGET_SPENT = "the job's LLM token budget is spent";
    static final String MALFORMED = "the LLM's reply was malformed twice";
    static final String UNAVAILABLE = "the LLM provider was unavailable";
    static final String OUT_OF_TIME = "the LLM did not answer within the batch's time";

    /** What the LLM grader says about an answer: a proposal, or a reason to leave it to people. */
    public record Outcome(GradeResult proposal, String review) {

        static Outcome proposed(GradeResult proposal) {
            return new Outcome(proposal, null);
        }

        static Outcome toPeople(String reason) {
            return new Outcome(null, reason);
        }
    }

    /** What one call asks about; {@code alone}: the submission, when its job does not reuse results. */
    private record Asked(UUID version, String text, UUID alone) {
    }

    private final LlmClient client;
    private final LlmRepository repository;
    private final LlmConfig config;
    private final LlmCheckpoints checkpoints;
    private final Cache<UUID, LlmQuestion> questions = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(1)).build();
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final int inFlight;

    public LlmProposals(LlmClient client, LlmRepository repository, LlmConfig config, LlmCheckpoints checkpoints,
            MeterRegistry registry,
            @ConfigProperty(name = "quarkus.fault-tolerance.\"io.zhiyue.grading.llm.LlmClient/complete\".bulkhead.value",
                    defaultValue = "8") int inFlight) {
        this.inFlight = inFlight;
        this.checkpoints = checkpoints;
        this.client = client;
        this.repository = repository;
        this.config = config;
        this.registry = registry;
    }

    /**
     * What the LLM grader said about a batch: the outcomes by submission id of the tasks it was asked
     * about, what the batch found in its checkpoint (null: the LLM grader had nothing to do), and how
     * many of the checkpointed replies it reused.
     */
    public record Proposals(Map<UUID, Outcome> outcomes, LlmCheckpoints.Restored restored, int reused) {

        static final Proposals NONE = new Proposals(Map.of(), null, 0);
    }

    public Uni<Proposals> propose(String tenant, UUID jobId, int batchNo, List<PendingTask> pending,
            Map<UUID, Proposed> exemplars) {
        if (!client.serves(tenant)) {
            return Uni.createFrom().item(Proposals.NONE);
        }
        Map<Asked, List<PendingTask>> asked = new LinkedHashMap<>();
        for (PendingTask task : pending) {
            if (task.marking().ai() && task.teacherScore() == null) {
                asked.computeIfAbsent(new Asked(task.rubricId(), TextNormalizer.normalize(task.answer()),
                                task.reuse() ? null : task.submissionId()),
                        ignored -> new ArrayList<>()).add(task);
            }
        }
        if (asked.isEmpty()) {
            return Uni.createFrom().item(Proposals.NONE);
        }
        long deadline = System.nanoTime() + config.batchDeadline().toNanos();
        List<UUID> versions = asked.keySet().stream().map(Asked::version).distinct().toList();
        return checkpoints.restore(tenant, jobId, batchNo).chain(restored -> repository.tokens(jobId)
                .chain(spent -> questions(versions).chain(questions -> {
                    AtomicReference<GradingJob.Llm> spending = new AtomicReference<>(spent);
                    Map<UUID, LlmCheckpoints.Saved> saved = restored.replies();
                    Replies replies = new Replies(saved);
                    return Multi.createFrom().iterable(asked.entrySet())
                            .onItem().transformToUni(entry -> {
                                PendingTask first = entry.getValue().getFirst();
                                Proposed nearest = exemplars.get(first.submissionId());
                                Call call = new Call(tenant, jobId, entry.getKey(), questions.get(entry.getKey().version()),
                                        first, spending, replies);
                                // any answer of the group: a batch read again may list identical answers in another order
                                LlmCheckpoints.Saved before = entry.getValue().stream()
                                        .map(task -> saved.get(task.submissionId())).filter(java.util.Objects::nonNull)
                                        .findFirst().orElse(null);
                                return (before != null ? reused(call, before, replies)
                                        : outcome(call, nearest == null ? List.of() : nearest.nearest(), deadline))
                                        .map(outcome -> Map.entry(entry.getValue(), outcome));
                            }).merge(inFlight)
                            // items come one at a time here, so the puts of one batch never overlap
                            .onItem().call(ignored -> replies.due()
                                    ? checkpoints.save(tenant, jobId, batchNo, replies.flush()) : Uni.createFrom().voidItem())
                            .collect().asList()
                            // every reply is checkpointed before the batch's outcomes are committed
                            .call(() -> replies.unsaved() ? checkpoints.save(tenant, jobId, batchNo, replies.flush())
                                    : Uni.createFrom().voidItem())
                            .map(results -> {
                                Map<UUID, Outcome> outcomes = new HashMap<>();
                                for (Map.Entry<List<PendingTask>, Outcome> result : results) {
                                    result.getKey().forEach(task -> outcomes.put(task.submissionId(), result.getValue()));
                                }
                                return new Proposals(outcomes, restored, replies.reusedCount());
                            });
                })));
    }

    /**
     * A batch's final replies: those restored from its checkpoint and those it got since, with how
     * many are not in a checkpoint yet.
     */
    private static final class Replies {

        private final Map<UUID, LlmCheckpoints.Saved> all;
        private int unsaved;
        private int reused;

        synchronized void reused() {
            reused++;
        }

        synchronized int reusedCount() {
            return reused;
        }

        Replies(Map<UUID, LlmCheckpoints.Saved> restored) {
            this.all = new HashMap<>(restored);
        }

        synchronized void add(UUID submission, String reply, String outcome) {
            all.put(submission, new LlmCheckpoints.Saved(reply, outcome));
            unsaved++;
        }

        synchronized boolean due() {
            return unsaved >= LlmCheckpoints.FLUSH_EVERY;
        }

        synchronized boolean unsaved() {
            return unsaved > 0;
        }

        synchronized Map<UUID, LlmCheckpoints.Saved> flush() {
            unsaved = 0;
            return Map.copyOf(all);
        }
    }

    /** A reply checkpointed by an earlier delivery of the batch: checked again, not paid for again. */
    private Uni<Outcome> reused(Call call, LlmCheckpoints.Saved saved, Replies replies) {
        count("reused");
        replies.reused();
        if (call.question() == null || saved.reply() == null) {
            return Uni.createFrom().item(Outcome.toPeople(UNAVAILABLE));
        }
        return Uni.createFrom().item(switch (LlmVerdict.check(saved.reply(), call.question(), call.task().answer(),
                config.maxConfidence())) {
            case LlmVerdict.Usable usable -> Outcome.proposed(usable.proposal());
            case LlmVerdict.Malformed malformed -> Outcome.toPeople(MALFORMED);
        });
    }

    /** One answer's question to the LLM and what it needs on the way. */
    private record Call(String tenant, UUID jobId, Asked asked, LlmQuestion question, PendingTask task,
            AtomicReference<GradingJob.Llm> spending, Replies replies) {
    }

    /**
     * The answer's outcome, within the batch's deadline: a batch must end well before the stream
     * gives up on it (a redelivered batch would pay for its calls again), so what the LLM has not
     * answered by then goes to people.
     */
    private Uni<Outcome> outcome(Call call, List<MarkedAnswer> nearest, long deadline) {
        if (call.question() == null) {
            return Uni.createFrom().item(Outcome.toPeople(UNAVAILABLE));
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            count("out-of-time");
            return Uni.createFrom().item(Outcome.toPeople(OUT_OF_TIME));
        }
        ChatCompletionRequest request = GradingPrompt.grade(config.model(), config.gradeMaxTokens(), call.question(),
                nearest, call.task().answer());
        return attempt(call, request, true)
                .ifNoItem().after(Duration.ofNanos(left)).recoverWithItem(() -> {
                    count("out-of-time");
                    return Outcome.toPeople(OUT_OF_TIME);
                })
                // whatever else went wrong (the bulkhead, this grader), people decide this answer
                .onFailure().recoverWithItem(failure -> {
                    count("failed");
                    Log.errorf("the LLM grader failed on submission %s of job %s: %s", call.task().submissionId(),
                            call.jobId(), failure.toString());
                    return Outcome.toPeople(UNAVAILABLE);
                });
    }

    private Uni<Outcome> attempt(Call call, ChatCompletionRequest request, boolean first) {
        GradingJob.Llm now = call.spending().get();
        if (now == null || now.budgetExhausted()) {
            count("budget-spent");
            return Uni.createFrom().item(Outcome.toPeople(BUDGET_SPENT));
        }
        return client.providerHeld().chain(() -> client.complete(request))
                .chain(response -> {
                    String reply = response.content();
                    LlmVerdict.Checked checked = LlmVerdict.check(reply, call.question(), call.task().answer(),
                            config.maxConfidence());
                    String outcome = checked instanceof LlmVerdict.Malformed malformed
                            ? "malformed: " + malformed.problem() : "ok";
                    return recorded(call, request, reply, outcome, LlmClient.Usage.of(response))
                            .chain(() -> next(call, request, first, reply, checked));
                })
                .onFailure(failure -> failure instanceof ProviderUnavailable || failure instanceof ProviderRefused)
                .recoverWithUni(failure -> {
                    count("unavailable");
                    Log.warnf("the LLM could not grade submission %s of job %s: %s", call.task().submissionId(),
                            call.jobId(), failure.getMessage());
                    return recorded(call, request, null, "failed: " + failure.getMessage(), LlmClient.Usage.NONE)
                            .map(ignored -> Outcome.toPeople(UNAVAILABLE));
                });
    }

    private Uni<Outcome> next(Call call, ChatCompletionRequest request, boolean first, String reply,
            LlmVerdict.Checked checked) {
        return switch (checked) {
            case LlmVerdict.Usable usable -> {
                count("proposed");
                call.replies().add(call.task().submissionId(), reply, "ok");
                yield Uni.createFrom().item(Outcome.proposed(usable.proposal()));
            }
            case LlmVerdict.Malformed malformed when first -> {
                count("asked-again");
                yield attempt(call, GradingPrompt.again(request, reply == null ? "" : reply, malformed.problem()), false);
            }
            case LlmVerdict.Malformed malformed -> {
                count("malformed");
                call.replies().add(call.task().submissionId(), reply, "malformed: " + malformed.problem());
                yield Uni.createFrom().item(Outcome.toPeople(MALFORMED));
            }
        };
    }

    /**
     * Stores the call's prompt and reply for audit and adds its tokens to the job, in one statement
     * right after the call (so nothing spent goes unrecorded if the batch is lost later), and keeps
     * the job's spending as the highest total seen (answers on other connections may come back in
     * another order).
     */
    private Uni<Void> recorded(Call call, ChatCompletionRequest request, String reply, String outcome,
            LlmClient.Usage usage) {
        AuditRecord record = new AuditRecord(call.tenant(), call.jobId(), call.task().submissionId(), "grade",
                client.provider(), client.model(), messages(request), reply, outcome, usage.in(), usage.out());
        return repository.recordCall(record).invoke(after -> {
            if (after != null) {
                call.spending().accumulateAndGet(after, (known, seen) -> known == null
                        || seen.tokensIn() + seen.tokensOut() > known.tokensIn() + known.tokensOut() ? seen : known);
            }
        }).replaceWithVoid();
    }

    /** The question versions, read once a minute at most (a version's rubric never changes; its question text may). */
    private Uni<Map<UUID, LlmQuestion>> questions(List<UUID> versions) {
        Map<UUID, LlmQuestion> known = new HashMap<>(questions.getAllPresent(versions));
        List<UUID> missing = versions.stream().filter(version -> !known.containsKey(version)).toList();
        if (missing.isEmpty()) {
            return Uni.createFrom().item(known);
        }
        return repository.questions(missing).map(read -> {
            questions.putAll(read);
            known.putAll(read);
            return known;
        });
    }

    /** The messages exactly as sent, as JSON ({@code [{"role":…,"content":…}]}), for the audit. */
    static String messages(ChatCompletionRequest request) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (Message message : request.messages()) {
            Object content = switch (message) {
                case SystemMessage system -> system.content();
                case UserMessage user -> user.content();
                case AssistantMessage assistant -> assistant.content();
                default -> String.valueOf(message);
            };
            messages.add(Map.of("role", String.valueOf(message.role()).toLowerCase(java.util.Locale.ROOT),
                    "content", content == null ? "" : content));
        }
        return JsonCodec.write(messages);
    }

    private void count(String outcome) {
        calls.computeIfAbsent(outcome, name -> Counter.builder("zhiyue.llm.calls").tag("outcome", name)
                .register(registry)).increment();
    }
}
