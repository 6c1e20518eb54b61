package io.zhiyue.grading.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.model.openai.internal.chat.AssistantMessage;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
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

import java.util.ArrayList;
import java.util.Collections;
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
 * version (copied answers are asked about once; a text already proposed for under the version is
 * not asked about again), as many of a batch at once as the client's bulkhead lets through (so
 * a spent budget is seen before the next call, not after a queue of them). Each reply is checked ({@link LlmVerdict}); a malformed one is asked again once, with
 * the problem named; a second malformed reply, an unavailable provider (after its retries) or a
 * spent token budget sends the answer to people ({@link Outcome#review()}), never to FAILED.
 *
 * <p>Tokens are added to the job after every call, and the job's spending read back, so a budget
 * is overrun by at most the calls already under way when it ran out. Every prompt and response
 * of the batch is stored for audit in one statement at its end.
 */
@ApplicationScoped
public class LlmProposals {

    static final String BUDGET_SPENT = "the job's LLM token budget is spent";
    static final String MALFORMED = "the LLM's reply was malformed twice";
    static final String UNAVAILABLE = "the LLM provider was unavailable";

    /** What the LLM grader says about an answer: a proposal, or a reason to leave it to people. */
    public record Outcome(GradeResult proposal, String review) {

        static Outcome proposed(GradeResult proposal) {
            return new Outcome(proposal, null);
        }

        static Outcome toPeople(String reason) {
            return new Outcome(null, reason);
        }
    }

    private record Asked(UUID version, String text) {
    }

    private final LlmClient client;
    private final LlmRepository repository;
    private final LlmConfig config;
    /** Validated proposals by version and normalised text: under one version a text is asked about once. */
    private final Cache<Asked, GradeResult> proposed = Caffeine.newBuilder().maximumSize(100_000).build();
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final int inFlight;
    private final Counter tokensIn;
    private final Counter tokensOut;

    public LlmProposals(LlmClient client, LlmRepository repository, LlmConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.fault-tolerance.\"io.zhiyue.grading.llm.LlmClient/complete\".bulkhead.value",
                    defaultValue = "8") int inFlight) {
        this.inFlight = inFlight;
        this.client = client;
        this.repository = repository;
        this.config = config;
        this.registry = registry;
        this.tokensIn = Counter.builder("zhiyue.llm.tokens").tag("direction", "in").register(registry);
        this.tokensOut = Counter.builder("zhiyue.llm.tokens").tag("direction", "out").register(registry);
    }

    /** The outcomes by submission id of the tasks the LLM grader is asked about (none when it is not offered). */
    public Uni<Map<UUID, Outcome>> propose(String tenant, UUID jobId, List<PendingTask> pending,
            Map<UUID, Proposed> exemplars) {
        if (!client.serves(tenant)) {
            return Uni.createFrom().item(Map.of());
        }
        Map<Asked, List<PendingTask>> asked = new LinkedHashMap<>();
        for (PendingTask task : pending) {
            if (task.marking().ai() && task.teacherScore() == null) {
                asked.computeIfAbsent(new Asked(task.rubricId(), TextNormalizer.normalize(task.answer())),
                        ignored -> new ArrayList<>()).add(task);
            }
        }
        if (asked.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<UUID> versions = asked.keySet().stream().map(Asked::version).distinct().toList();
        return repository.tokens(jobId).chain(spent -> repository.questions(versions).chain(questions -> {
            AtomicReference<GradingJob.Llm> spending = new AtomicReference<>(spent);
            List<AuditRecord> audit = Collections.synchronizedList(new ArrayList<>());
            return Multi.createFrom().iterable(asked.entrySet())
                    .onItem().transformToUni(entry -> {
                        PendingTask first = entry.getValue().getFirst();
                        Proposed nearest = exemplars.get(first.submissionId());
                        return outcome(tenant, jobId, entry.getKey(), questions.get(entry.getKey().version()), first,
                                nearest == null ? List.of() : nearest.nearest(), spending, audit)
                                .map(outcome -> Map.entry(entry.getValue(), outcome));
                    }).merge(inFlight)
                    .collect().asList()
                    .call(() -> repository.audit(List.copyOf(audit)))
                    .map(results -> {
                        Map<UUID, Outcome> outcomes = new HashMap<>();
                        for (Map.Entry<List<PendingTask>, Outcome> result : results) {
                            result.getKey().forEach(task -> outcomes.put(task.submissionId(), result.getValue()));
                        }
                        return outcomes;
                    });
        }));
    }

    private Uni<Outcome> outcome(String tenant, UUID jobId, Asked asked, LlmQuestion question, PendingTask task,
            List<MarkedAnswer> nearest, AtomicReference<GradingJob.Llm> spending, List<AuditRecord> audit) {
        GradeResult known = proposed.getIfPresent(asked);
        if (known != null) {
            return Uni.createFrom().item(Outcome.proposed(known));
        }
        if (question == null) {
            return Uni.createFrom().item(Outcome.toPeople(UNAVAILABLE));
        }
        ChatCompletionRequest request = GradingPrompt.grade(config.model(), config.gradeMaxTokens(), question,
                nearest, task.answer());
        return attempt(tenant, jobId, asked, question, task, request, true, spending, audit);
    }

    private Uni<Outcome> attempt(String tenant, UUID jobId, Asked asked, LlmQuestion question, PendingTask task,
            ChatCompletionRequest request, boolean first, AtomicReference<GradingJob.Llm> spending,
            List<AuditRecord> audit) {
        GradingJob.Llm now = spending.get();
        if (now == null || now.budgetExhausted()) {
            count("budget-spent");
            return Uni.createFrom().item(Outcome.toPeople(BUDGET_SPENT));
        }
        return client.complete(request)
                .chain(response -> spent(jobId, response, spending).map(ignored -> response))
                .map(response -> {
                    String reply = response.content();
                    Object verdict = LlmVerdict.check(reply, question, task.answer(), config.maxConfidence());
                    audit.add(record(tenant, jobId, task, request, reply,
                            verdict instanceof LlmVerdict.Malformed malformed ? "malformed: " + malformed.problem()
                                    : "ok", response));
                    return verdict;
                })
                .chain(verdict -> {
                    if (verdict instanceof GradeResult result) {
                        count("proposed");
                        proposed.put(asked, result);
                        return Uni.createFrom().item(Outcome.proposed(result));
                    }
                    String problem = ((LlmVerdict.Malformed) verdict).problem();
                    if (!first) {
                        count("malformed");
                        return Uni.createFrom().item(Outcome.toPeople(MALFORMED));
                    }
                    count("asked-again");
                    String reply = lastReply(audit, task);
                    return attempt(tenant, jobId, asked, question, task, GradingPrompt.again(request, reply, problem),
                            false, spending, audit);
                })
                // whatever went wrong (the provider, the bulkhead, this grader), people decide this answer
                .onFailure().recoverWithItem(failure -> {
                    count("unavailable");
                    Log.warnf("the LLM could not grade submission %s of job %s: %s", task.submissionId(), jobId,
                            failure.getMessage());
                    audit.add(new AuditRecord(tenant, jobId, task.submissionId(), "grade", client.provider(),
                            client.model(), messages(request), null, "failed: " + failure.getMessage(), 0, 0));
                    return Outcome.toPeople(UNAVAILABLE);
                });
    }

    /** Counts the call's tokens on the job and in the metrics, and keeps the job's spending after them. */
    private Uni<Void> spent(UUID jobId, ChatCompletionResponse response, AtomicReference<GradingJob.Llm> spending) {
        int in = response.usage() == null ? 0 : LlmClient.orZero(response.usage().promptTokens());
        int out = response.usage() == null ? 0 : LlmClient.orZero(response.usage().completionTokens());
        tokensIn.increment(in);
        tokensOut.increment(out);
        return repository.spend(jobId, in, out).invoke(spending::set).replaceWithVoid();
    }

    private String lastReply(List<AuditRecord> audit, PendingTask task) {
        synchronized (audit) {
            for (int i = audit.size() - 1; i >= 0; i--) {
                if (task.submissionId().equals(audit.get(i).submissionId())) {
                    return audit.get(i).response() == null ? "" : audit.get(i).response();
                }
            }
        }
        return "";
    }

    private AuditRecord record(String tenant, UUID jobId, PendingTask task, ChatCompletionRequest request, String reply,
            String outcome, ChatCompletionResponse response) {
        return new AuditRecord(tenant, jobId, task.submissionId(), "grade", client.provider(), client.model(),
                messages(request), reply, outcome,
                response.usage() == null ? 0 : LlmClient.orZero(response.usage().promptTokens()),
                response.usage() == null ? 0 : LlmClient.orZero(response.usage().completionTokens()));
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
