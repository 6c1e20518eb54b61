package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.grading.marking.BlindCheck;
import io.zhiyue.grading.marking.DoubleMarkingRules;
import io.zhiyue.grading.marking.Mark;
import io.zhiyue.grading.marking.MarkRefusal;
import io.zhiyue.grading.marking.MarkRefusedException;
import io.zhiyue.grading.marking.Review;
import io.zhiyue.grading.marking.ReviewState;
import io.zhiyue.grading.marking.ScoreScale;
import io.zhiyue.grading.model.GradingResult.Marker;
import io.zhiyue.grading.model.ReviewItem;
import io.zhiyue.grading.model.ReviewItem.MarkRequest;
import io.zhiyue.grading.model.ReviewItem.NextRequest;
import io.zhiyue.grading.model.ReviewItem.Proposal;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.repository.MarkerRepository;
import io.zhiyue.grading.repository.ReviewRepository;
import io.zhiyue.grading.repository.ReviewRepository.MarkWithdrawal;
import io.zhiyue.grading.repository.ReviewRepository.ReviewRow;
import io.zhiyue.grading.reuse.ResultReuse;
import io.zhiyue.grading.saga.ScoreOverrides;
import io.zhiyue.grading.stream.JobEvents;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The review queue (DESIGN.md "Marking"). An item outside double marking takes one person's mark
 * as final. A double-marked one follows {@link DoubleMarkingRules}: the grader's proposal, when
 * there is one, is the first mark, and a marker sees no other mark or proposal until their own is
 * stored (blind). A resolving mark makes the result final (HUMAN) and counts it graded; SCORE_CHANGED
 * and the job's progress go out through the outbox with it. Once the job COMPLETED, a mark that makes a score
 * final goes through the score-override saga (see {@link #mark}).
 */
@ApplicationScoped
public class ReviewService {

    private static final int DEFAULT_LEASE_SECONDS = 600;
    private static final int MAX_LEASE_SECONDS = 3_600;

    /** No traceparent of our own: the outbox stamps the trace current at the call. */
    private static final String CALLERS_TRACE = null;

    private final ReviewRepository reviews;
    private final MarkerRepository markers;
    private final QualityService quality;
    private final ExamService exams;
    private final Outbox outbox;
    private final JobEvents jobEvents;
    private final Pool pool;
    private final ResultReuse reuse;
    private final ScoreOverrides overrides;

    public ReviewService(ReviewRepository reviews, MarkerRepository markers, QualityService quality, ExamService exams,
            Outbox outbox, JobEvents jobEvents, Pool pool, ResultReuse reuse, ScoreOverrides overrides) {
        this.reuse = reuse;
        this.overrides = overrides;
        this.reviews = reviews;
        this.markers = markers;
        this.quality = quality;
        this.exams = exams;
        this.outbox = outbox;
        this.jobEvents = jobEvents;
        this.pool = pool;
    }

    /** The exam's items (filter by question and state), oldest first, as any marker may see them. */
    public Uni<PageResponse<ReviewItem>> list(String tenant, UUID examId, ListQuery query) {
        return exams.find(tenant, examId).chain(() -> reviews.list(tenant, examId, query))
                .map(page -> new PageResponse<>(page.items().stream()
                        .map(row -> view(row, List.of(), !row.blind() || resolved(row))).toList(),
                        page.page(), page.pageSize(), page.total(), page.nextCursor()));
    }

    /**
     * Records a person's mark; answers the item as that marker may now see it. A mark on an item
     * leased to another marker is refused (409), as is one by a marker the exam's allocation does not
     * give the question (403; {@link MarkerIdentity#mayMark}: a teacher, chief or admin named by the gateway marks
     * any question, a mere marker only one its allocation gives it). {@code marker} says who marks. A mark on an
     * answer served to the marker again (回评) is kept as a re-check only and changes nothing else. A mark that
     * changes the score of a COMPLETED job's answer changes a published result: it is the first step of the
     * score-override saga, which takes it to the cache and the student (the item names the saga; a compensated saga
     * takes the mark back and the item returns to the queue).
     */
    @WithSpan
    public Uni<ReviewItem> mark(String tenant, UUID itemId, MarkRequest request, MarkerIdentity marker) {
        validate(request, marker);
        String markerId = marker.markerId(request.markerId()).trim();
        BigDecimal score = ScoreScale.normalise(request.score());
        return outbox.inTransaction((tx, events) -> reviews.lock(tx, tenant, itemId).chain(item -> {
            if (item == null) {
                return Uni.createFrom().failure(ZhiyueException.notFound("review item", itemId));
            }
            if (JobState.CANCELLED.name().equals(item.jobState())) {
                return Uni.createFrom().failure(new ZhiyueException(ErrorCode.ILLEGAL_STATE,
                        "review item " + itemId + " belongs to job " + item.jobId() + ", which was cancelled"));
            }
            return reviews.openRecheck(tx, itemId, markerId).chain(firstScore -> {
                if (firstScore != null) {
                    new ScoreScale(item.maxScore(), item.scoreStep()).requireValid(score);
                    return reviews.markRecheck(tx, itemId, markerId, score).map(ignored -> new Marked(
                            markerView(item.with(item.state(), null), List.of(), false), null, null, null));
                }
                return markers.assignment(tx, item.examId(), markerId, item.questionNumber()).chain(assignment -> {
                    if (!marker.mayMark(assignment.allocated(), assignment.assigned())) {
                        return Uni.createFrom().failure(new ZhiyueException(ErrorCode.AUTHORIZATION_ERROR, "marker "
                                + markerId + " is not assigned question " + item.questionNumber() + " of this exam"));
                    }
                    if (item.leasedTo() != null && !item.leasedTo().equals(markerId)) {
                        return Uni.createFrom().failure(new ZhiyueException(ErrorCode.ILLEGAL_STATE, "review item "
                                + itemId + " is leased to another marker until " + item.leaseExpiresAt()));
                    }
                    // chief is a role for arbitration only: a chief's other marks are ordinary (blind) marks
                    boolean chief = ReviewState.ARBITRATION.name().equals(item.state())
                            && (marker.chief(request.chief()) || assignment.chief());
                    return record(tx, events, tenant, item, markerId, chief, score, request);
                });
            });
        })).invoke(marked -> {
            if (marked.checked() != null) {
                quality.count(marked.checked());
            }
        }).chain(marked -> {
            if (marked.sagaId() != null) {
                // the saga's cache step drops what the proposal left in the result cache
                return Uni.createFrom().item(marked.view().withSaga(marked.sagaId()));
            }
            // once committed, a proposal the mark overrode is not reused for identical answers
            return marked.decided() == null ? Uni.createFrom().item(marked.view())
                    : reuse.overridden(tenant, marked.decided().jobId(), marked.decided().submissionId(),
                            marked.decided().finalScore()).replaceWith(marked.view());
        });
    }

    /**
     * What a mark did: the item as the marker now sees it, the item once its score is final, the saga, the blind
     * check it was (null: none).
     */
    private record Marked(ReviewItem view, ReviewRow decided, UUID sagaId, QualityService.Checked checked) {
    }

    /**
     * The mark under the item's rules, its events, and the quality alert when it was a blind check; on a COMPLETED
     * job, a changed score starts the score-override saga with the mark as its first step.
     */
    private Uni<Marked> record(SqlConnection tx, OutboxEvents events, String tenant, ReviewRow item,
            String markerId, boolean chief, BigDecimal score, MarkRequest request) {
        // outside double marking no earlier mark matters: the first one resolves the item
        Uni<List<Mark>> earlier = item.doubleMarking() ? reviews.marks(tx, item.id()) : Uni.createFrom().item(List.of());
        return earlier.chain(stored -> {
            Mark mark = chief ? Mark.chief(markerId, score, OffsetDateTime.now())
                    : Mark.human(markerId, score, OffsetDateTime.now());
            Review after = next(item, stored, mark);
            OffsetDateTime startedAt = markerId.equals(item.leasedTo()) ? item.leasedAt() : null;
            // a person marking an AI proposal they have not seen: the first mark of a double-marked
            // item that has a proposal, or an audit mark — unless the compensation of their earlier mark on it
            // put it back (they saw it resolved)
            boolean unseen = item.proposedScore() != null && (item.audit() || item.doubleMarking() && stored.isEmpty());
            Uni<Boolean> blind = unseen ? reviews.hadWithdrawn(tx, item.id(), markerId).map(had -> !had)
                    : Uni.createFrom().item(false);
            String points = request.points() == null ? null : request.points().toString();
            // a COMPLETED job's results are published: what the score was goes into the saga's history
            boolean published = JobState.COMPLETED.name().equals(item.jobState()) && after.finalScore() != null;
            Uni<ScoreOverrides.Prior> prior = published ? overrides.prior(tx, item.jobId(), item.submissionId())
                    : Uni.createFrom().nullItem();
            ReviewRow now = item.with(after.state().name(), after.finalScore());
            ScoreScale scale = new ScoreScale(item.maxScore(), item.scoreStep());
            return blind.chain(blindCheck -> prior.chain(before -> reviews.mark(tx, item, mark, request.reason(),
                            points, after.state().name(), after.finalScore(), startedAt)
                    .call(marked -> {
                        String occurrence = "mark:" + markerId + "@" + mark.at().toInstant().toEpochMilli();
                        if (marked.scoreChanged()) {
                            jobEvents.scoreChanged(events, tenant, item.jobId(), item.examId(), item.id(),
                                    item.questionNumber(), after.finalScore(), "HUMAN", occurrence, CALLERS_TRACE);
                        }
                        if (marked.job() != null) {
                            // the answer is final now, and the job's counters moved
                            jobEvents.progress(events, marked.job(), CALLERS_TRACE);
                        }
                        if (!after.state().name().equals(item.state())) {
                            jobEvents.reviewItemChanged(events, tenant, item.examId(), item.jobId(), item.id(),
                                    item.questionNumber(), after.state().name(), occurrence, CALLERS_TRACE);
                        }
                        return blindCheck ? quality.afterBlindCheck(tx, events, tenant, item.examId(),
                                item.questionId(), item.questionNumber(), scale) : Uni.createFrom().voidItem();
                    })
                    .chain(marked -> before == null || !marked.scoreChanged() ? Uni.createFrom().<UUID>nullItem()
                            : overrides.markApplied(tx, events, tenant, item, before, after.finalScore(), markerId,
                                    request.reason(), marked.job() != null, marked.teacherMark()))
                    .map(sagaId -> {
                        List<Marker> visible = visible(item, after, markerId);
                        // the proposal shows once the marker may see the grader's mark
                        boolean proposal = !item.blind() || resolved(after)
                                || visible.stream().anyMatch(marker -> "ai".equals(marker.kind()));
                        return new Marked(view(now, visible, proposal), after.finalScore() == null ? null : now,
                                sagaId, blindCheck ? new QualityService.Checked(tenant, item.examId(),
                                        item.questionId(), item.questionNumber(), scale,
                                        new BlindCheck(item.proposedScore(), score)) : null);
                    })));
        });
    }

    /**
     * The compensation of a mark that was a score-override saga's first step: the mark taken back (kept on record as
     * withdrawn), the item back in the queue as it was, the job's counters back; the queue, the job's and the exam's
     * watchers are told, under keys of this withdrawal's own.
     */
    public Uni<Void> withdrawMark(SqlConnection tx, OutboxEvents events, String tenant, MarkWithdrawal withdrawal) {
        String occurrence = "withdrawn:" + withdrawal.sagaId();
        return reviews.lock(tx, tenant, withdrawal.itemId()).chain(item -> reviews.withdraw(tx, item.jobId(),
                        withdrawal)
                .invoke(job -> {
                    if (job != null) {
                        jobEvents.progress(events, job, occurrence, CALLERS_TRACE);
                    }
                    jobEvents.reviewItemChanged(events, tenant, item.examId(), item.jobId(), item.id(),
                            item.questionNumber(), withdrawal.itemState(), occurrence, CALLERS_TRACE);
                    jobEvents.scoreChanged(events, tenant, item.jobId(), item.examId(), item.id(),
                            item.questionNumber(), withdrawal.restoredScore(), withdrawal.restoredStatus(),
                            occurrence, CALLERS_TRACE);
                }))
                .replaceWithVoid();
    }

    /**
     * The next item of the marker's queue, leased to them ({@code leaseSeconds}, default 10 min):
     * only their questions ({@link MarkerIdentity#queueQuestions}), arbitration only for a chief, never an
     * item they marked or one another marker holds; oldest first, so the order is stable. After
     * every {@code recheckEvery} marks one of their marked answers comes back instead, blind (回评).
     * Null when their queue is empty.
     */
    @WithSpan
    public Uni<ReviewItem> next(String tenant, UUID examId, NextRequest body, MarkerIdentity marker) {
        List<FieldError> errors = new ArrayList<>();
        // when the gateway named the marker nothing else is needed
        NextRequest request = body == null && marker.authenticated() ? new NextRequest(null, null, null) : body;
        if (request == null) {
            throw ZhiyueException.validation("body", "expected {markerId, chief?, leaseSeconds?}");
        }
        String requested = marker.markerId(request.markerId());
        MarkFields.add(errors, "markerId", MarkFields.markerProblem(requested));
        int leaseSeconds = request.leaseSeconds() == null ? DEFAULT_LEASE_SECONDS : request.leaseSeconds();
        if (leaseSeconds < 1 || leaseSeconds > MAX_LEASE_SECONDS) {
            errors.add(new FieldError("leaseSeconds", "must be between 1 and " + MAX_LEASE_SECONDS));
        }
        ExamService.failIfAny(errors);
        String markerId = requested.trim();
        return exams.find(tenant, examId).chain(() -> pool.withTransaction(tx -> markers
                .questionsOf(tx, tenant, examId, markerId).chain(questions -> {
                    Integer[] numbers = marker.queueQuestions(questions.numbers());
                    if (numbers != null && numbers.length == 0) {
                        return Uni.createFrom().failure(new ZhiyueException(ErrorCode.AUTHORIZATION_ERROR,
                                "marker " + markerId + " is not assigned any question of this exam"));
                    }
                    boolean chief = marker.chief(request.chief()) || questions.chiefOfAny();
                    return reviews.serveRecheckIfDue(tx, tenant, examId, markerId).chain(recheck -> recheck != null
                            // served again blind: no earlier mark, no proposal, no final score
                            ? reviews.lock(tx, tenant, recheck)
                                    .map(row -> markerView(row.with(row.state(), null), List.of(), false))
                            : reviews.leaseNext(tx, tenant, examId, markerId, numbers, chief, leaseSeconds)
                                    .map(row -> row == null ? null : markerView(row, List.of(), !row.blind())));
                })));
    }

    /** The item's review after {@code mark}; refused (4xx) when the rules do not take it. */
    private static Review next(ReviewRow item, List<Mark> stored, Mark mark) {
        ScoreScale scale = new ScoreScale(item.maxScore(), item.scoreStep());
        if (item.doubleMarking() && !item.audit()) {
            DoubleMarkingRules rules = new DoubleMarkingRules(scale, item.tolerance());
            return rules.accept(rules.review(allMarks(item, stored)), mark);
        }
        if (resolved(item)) {
            throw new MarkRefusedException(MarkRefusal.ITEM_RESOLVED, "review item " + item.id()
                    + " is already resolved with " + item.finalScore().toPlainString());
        }
        scale.requireValid(mark.score());
        return new Review(ReviewState.RESOLVED, List.of(mark), mark.score());
    }

    /** The grader's proposal (when there is one) first, then people's marks as stored. */
    private static List<Mark> allMarks(ReviewRow item, List<Mark> stored) {
        List<Mark> marks = new ArrayList<>();
        if (item.proposedScore() != null) {
            marks.add(Mark.ai(item.graderId(), item.proposedScore(), item.proposedAt()));
        }
        marks.addAll(stored);
        return marks;
    }

    private static List<Marker> visible(ReviewRow item, Review after, String markerId) {
        List<Mark> marks = item.doubleMarking() && !resolved(after) ? after.visibleTo(markerId) : after.marks();
        return marks.stream().map(mark -> new Marker(mark.markerId(), mark.kind().name().toLowerCase(),
                mark.score(), mark.at())).toList();
    }

    private static boolean resolved(ReviewRow row) {
        return ReviewState.RESOLVED.name().equals(row.state());
    }

    private static boolean resolved(Review review) {
        return review.state() == ReviewState.RESOLVED;
    }

    /** With the proposal only where the marker may see it (blind double marking). Never the student. */
    private static ReviewItem view(ReviewRow row, List<Marker> marks, boolean showProposal) {
        return view(row, marks, showProposal, row.audit());
    }

    /**
     * As a marker meets the item ({@code next}, their mark): without the audit flag, which would
     * tell them the AI was sure enough to accept the answer.
     */
    private static ReviewItem markerView(ReviewRow row, List<Marker> marks, boolean showProposal) {
        return view(row, marks, showProposal, null);
    }

    private static ReviewItem view(ReviewRow row, List<Marker> marks, boolean showProposal, Boolean audit) {
        Proposal proposal = !showProposal || row.proposedScore() == null ? null
                : new Proposal(row.proposedScore(), row.confidence(), row.graderId(), row.points());
        return new ReviewItem(row.id(), row.examId(), row.jobId(), row.questionNumber(), row.state(),
                row.doubleMarking(), audit, row.answer(), row.maxScore(), row.scoreStep(), proposal, marks,
                row.finalScore(), row.createdAt(), row.leaseExpiresAt(), null);
    }

    private static void validate(MarkRequest request, MarkerIdentity marker) {
        if (request == null) {
            throw ZhiyueException.validation("body", "expected {score, points?, markerId, chief?, reason?}");
        }
        List<FieldError> errors = MarkFields.markErrors(request.score(), marker.markerId(request.markerId()), "reason",
                request.reason());
        MarkFields.add(errors, "points", MarkFields.pointsProblem(request.points()));
        ExamService.failIfAny(errors);
    }
}
