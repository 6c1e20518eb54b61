package io.zhiyue.grading.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.grading.marking.BlindCheck;
import io.zhiyue.grading.marking.DecisionCounts;
import io.zhiyue.grading.marking.QualityFigures;
import io.zhiyue.grading.marking.ScoreScale;
import io.zhiyue.grading.model.Marking;
import io.zhiyue.grading.model.Question;
import io.zhiyue.grading.model.QuestionQuality;
import io.zhiyue.grading.repository.QualityRepository;
import io.zhiyue.grading.repository.QualityRepository.TimedCheck;
import io.zhiyue.grading.stream.JobEvents;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The AI quality monitor (DESIGN.md "Marking"): per ai-mode question, figures from blind checks only
 * ({@link QualityFigures}); after each blind check the question's checks since auto-accept was last
 * turned on are weighed, and when they fall below the bar auto-accept stops for the question (and
 * its open jobs) with a SYSTEM_STATUS alert, in the transaction of the mark that tipped it.
 *
 * <p>Committed blind checks are counted for Prometheus in {@code zhiyue.grading.quality.checks{tenant, exam,
 * question, number, agreement=adjacent|apart}}: counters add up across processes and restarts, so the
 * operators' agreement alert and dashboard take the share of adjacent checks over a window of any length.
 */
@ApplicationScoped
public class QualityService {

    /** No traceparent of our own: the outbox stamps the trace current at the call. */
    private static final String CALLERS_TRACE = null;

    private final QualityRepository quality;
    private final ExamService exams;
    private final JobEvents jobEvents;
    private final MeterRegistry registry;
    private final AuditTrail audit;
    /** Per question: the counter of adjacent checks, then the one of the others. */
    private final Map<UUID, Counter[]> checkCounters = new ConcurrentHashMap<>();

    public QualityService(QualityRepository quality, ExamService exams, JobEvents jobEvents, MeterRegistry registry,
            AuditTrail audit) {
        this.audit = audit;
        this.quality = quality;
        this.exams = exams;
        this.jobEvents = jobEvents;
        this.registry = registry;
    }

    /** A blind check a mark made, as committed: the AI's proposal and the person's score on the question. */
    public record Checked(String tenant, UUID examId, UUID questionId, int questionNumber, ScoreScale scale,
            BlindCheck check) {
    }

    /** Counts a blind check once its mark committed (a rolled-back mark checked nothing). */
    public void count(Checked checked) {
        Counter[] counters = checkCounters.computeIfAbsent(checked.questionId(), id -> new Counter[] {
                checkCounter(checked, "adjacent"), checkCounter(checked, "apart")});
        counters[QualityFigures.adjacent(checked.scale(), checked.check()) ? 0 : 1].increment();
    }

    /** Both of a question's counters start together, so the share has its denominator from the first check. */
    private Counter checkCounter(Checked checked, String agreement) {
        return Counter.builder("zhiyue.grading.quality.checks")
                .description("blind checks of AI proposals by people, by whether they agreed within max(1, scoreStep)")
                .tag("tenant", checked.tenant()).tag("exam", checked.examId().toString())
                .tag("question", checked.questionId().toString())
                .tag("number", Integer.toString(checked.questionNumber()))
                .tag("agreement", agreement).register(registry);
    }

    /** The exam's ai-mode questions with their figures, by question number. */
    public Uni<QuestionQuality> of(String tenant, UUID examId) {
        return exams.questions(tenant, examId)
                .chain(questions -> quality.examChecks(tenant, examId)
                        .chain(checks -> quality.decisionCounts(tenant, examId)
                                .map(counts -> new QuestionQuality(examId, questions.stream()
                                        .filter(question -> Marking.AI.equals(question.marking().mode()))
                                        .map(question -> figures(question, checks, counts)).toList()))));
    }

    private static QuestionQuality.Question figures(Question question, Map<UUID, List<TimedCheck>> checks,
            Map<UUID, DecisionCounts> counts) {
        ScoreScale scale = new ScoreScale(question.maxScore(), question.scoreStep());
        List<TimedCheck> timed = checks.getOrDefault(question.id(), List.of());
        QualityFigures all = QualityFigures.of(scale, timed.stream().map(TimedCheck::check).toList(),
                counts.getOrDefault(question.id(), DecisionCounts.NONE));
        QualityFigures since = QualityFigures.of(scale,
                timed.stream().filter(TimedCheck::sinceAutoAcceptOn).map(TimedCheck::check).toList(), DecisionCounts.NONE);
        return new QuestionQuality.Question(question.id(), question.number(),
                question.marking().autoAccept().enabled(), all.count(), all.kappa(), all.exactAgreement(),
                all.adjacentAgreement(), all.bias(), all.autoAcceptRate(), all.overrideRate(), since.count(),
                since.shouldStopAutoAccept());
    }

    /**
     * After a blind check of the question: when its checks since auto-accept was turned on say so,
     * auto-accept stops and the alert goes out with the transaction.
     */
    public Uni<Void> afterBlindCheck(SqlConnection tx, OutboxEvents events, String tenant, UUID examId,
            UUID questionId, int questionNumber, ScoreScale scale) {
        return quality.checksSinceAutoAcceptOn(tx, tenant, questionId).chain(checks -> {
            QualityFigures figures = QualityFigures.of(scale, checks, DecisionCounts.NONE);
            if (!figures.shouldStopAutoAccept()) {
                return Uni.createFrom().voidItem();
            }
            return quality.stopAutoAccept(tx, tenant, questionId).invoke(stopped -> {
                if (stopped) {
                    jobEvents.qualityAlert(events, tenant, examId, questionId, questionNumber, figures.count(),
                            figures.adjacentAgreement(), CALLERS_TRACE);
                    // the service's own decision: no caller made it
                    audit.record(events, tenant, "marking.auto-accept.stopped", "question", questionId, null,
                            AuditTrail.fields("enabled", true), AuditTrail.fields("enabled", false,
                                    "blindChecks", figures.count(), "adjacentAgreement", figures.adjacentAgreement()));
                }
            }).replaceWithVoid();
        });
    }
}
