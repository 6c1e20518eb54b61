package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
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
import io.zhiyue.grading.model.ReviewItem.Proposal;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.repository.ReviewRepository;
import io.zhiyue.grading.repository.ReviewRepository.ReviewRow;
import io.zhiyue.grading.stream.JobEvents;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The review queue (DESIGN.md "Marking"). An item outside double marking takes one person's mark
 * as final. A double-marked one follows {@link DoubleMarkingRules}: the grader's proposal, when
 * there is one, is the first mark, and a marker sees no other mark or proposal until their own is
 * stored (blind). A resolving mark makes the result final (HUMAN) and counts it graded; SCORE_CHANGED
 * and the job's progress go out through the outbox with it.
 */
@ApplicationScoped
public class ReviewService {

    private static final int MAX_MARKER_ID = 64;
    private static final int MAX_REASON = 2_000;

    /** No traceparent of our own: the outbox stamps the trace current at the call. */
    private static final String CALLERS_TRACE = null;

    private final ReviewRepository reviews;
    private final ExamService exams;
    private final Outbox outbox;
    private final JobEvents jobEvents;

    public ReviewService(ReviewRepository reviews, ExamService exams, Outbox outbox, JobEvents jobEvents) {
        this.reviews = reviews;
        this.exams = exams;
        this.outbox = outbox;
        this.jobEvents = jobEvents;
    }

    /** The exam's items (filter by question and state), oldest first, as any marker may see them. */
    public Uni<PageResponse<ReviewItem>> list(String tenant, UUID examId, ListQuery query) {
        return exams.find(tenant, examId).chain(() -> reviews.list(tenant, examId, query))
                .map(page -> new PageResponse<>(page.items().stream()
                        .map(row -> view(row, List.of(), !row.doubleMarking() || resolved(row))).toList(),
                        page.page(), page.pageSize(), page.total(), page.nextCursor()));
    }

    /** Records a person's mark; answers the item as that marker may now see it. */
    @WithSpan
    public Uni<ReviewItem> mark(String tenant, UUID itemId, MarkRequest request) {
        validate(request);
        boolean chief = Boolean.TRUE.equals(request.chief());
        return outbox.inTransaction((tx, events) -> reviews.lock(tx, tenant, itemId).chain(item -> {
            if (item == null) {
                return Uni.createFrom().failure(ZhiyueException.notFound("review item", itemId));
            }
            if (JobState.CANCELLED.name().equals(item.jobState())) {
                return Uni.createFrom().failure(new ZhiyueException(ErrorCode.ILLEGAL_STATE,
                        "review item " + itemId + " belongs to job " + item.jobId() + ", which was cancelled"));
            }
            // outside double marking no earlier mark matters: the first one resolves the item
            Uni<List<Mark>> earlier = item.doubleMarking() ? reviews.marks(tx, itemId) : Uni.createFrom().item(List.of());
            return earlier.chain(stored -> {
                Mark mark = chief ? Mark.chief(request.markerId(), request.score(), OffsetDateTime.now())
                        : Mark.human(request.markerId(), request.score(), OffsetDateTime.now());
                Review after = next(item, stored, mark);
                return reviews.mark(tx, item, mark, request.reason(), after.state().name(), after.finalScore())
                        .map(job -> {
                            if (job != null) {
                                // the score is final now, and the job's counters moved
                                jobEvents.scoreChanged(events, tenant, item.jobId(), item.examId(), item.id(),
                                        item.questionNumber(), after.finalScore(), CALLERS_TRACE);
                                jobEvents.progress(events, job, CALLERS_TRACE);
                            }
                            List<Marker> visible = visible(item, after, request.markerId());
                            // the proposal shows once the marker may see the grader's mark
                            boolean proposal = !item.doubleMarking()
                                    || visible.stream().anyMatch(marker -> "ai".equals(marker.kind()));
                            return view(item.with(after.state().name(), after.finalScore()), visible, proposal);
                        });
            });
        }));
    }

    /** The item's review after {@code mark}; refused (4xx) when the rules do not take it. */
    private static Review next(ReviewRow item, List<Mark> stored, Mark mark) {
        ScoreScale scale = new ScoreScale(item.maxScore(), item.scoreStep());
        if (item.doubleMarking()) {
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
        List<Mark> marks = item.doubleMarking() ? after.visibleTo(markerId) : after.marks();
        return marks.stream().map(mark -> new Marker(mark.markerId(), mark.kind().name().toLowerCase(),
                mark.score(), mark.at())).toList();
    }

    private static boolean resolved(ReviewRow row) {
        return ReviewState.RESOLVED.name().equals(row.state());
    }

    /** With the proposal only where the marker may see it (blind double marking). Never the student. */
    private static ReviewItem view(ReviewRow row, List<Marker> marks, boolean showProposal) {
        Proposal proposal = !showProposal || row.proposedScore() == null ? null
                : new Proposal(row.proposedScore(), row.confidence(), row.graderId(), row.points());
        return new ReviewItem(row.id(), row.examId(), row.jobId(), row.questionNumber(), row.state(),
                row.doubleMarking(), row.answer(), row.maxScore(), row.scoreStep(), proposal, marks,
                row.finalScore(), row.createdAt());
    }

    private static void validate(MarkRequest request) {
        if (request == null) {
            throw ZhiyueException.validation("body", "expected {score, markerId, chief?, reason?}");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.score() == null) {
            errors.add(new FieldError("score", "is required"));
        }
        if (request.markerId() == null || request.markerId().isBlank()) {
            errors.add(new FieldError("markerId", "is required"));
        } else if (request.markerId().length() > MAX_MARKER_ID) {
            errors.add(new FieldError("markerId", "is longer than " + MAX_MARKER_ID + " characters"));
        }
        if (request.reason() != null && request.reason().length() > MAX_REASON) {
            errors.add(new FieldError("reason", "is longer than " + MAX_REASON + " characters"));
        }
        ExamService.rejectNul("markerId", request.markerId(), errors);
        ExamService.rejectNul("reason", request.reason(), errors);
        ExamService.failIfAny(errors);
    }
}
