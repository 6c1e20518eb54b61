package io.zhiyue.grading.service;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.MarkerAllocation;
import io.zhiyue.grading.model.MarkerAllocation.Assignment;
import io.zhiyue.grading.model.MarkerQuality;
import io.zhiyue.grading.model.Question;
import io.zhiyue.grading.repository.MarkerRepository;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Marker allocation of an exam and the per-marker quality figures. */
@ApplicationScoped
public class MarkerService {

    static final int DEFAULT_RECHECK_EVERY = 20;
    private static final int MAX_RECHECK_EVERY = 10_000;
    private static final int MAX_MARKERS = 1_000;

    private final MarkerRepository markers;
    private final ExamService exams;
    private final Outbox outbox;
    private final AuditTrail audit;

    public MarkerService(MarkerRepository markers, ExamService exams, Outbox outbox, AuditTrail audit) {
        this.markers = markers;
        this.exams = exams;
        this.outbox = outbox;
        this.audit = audit;
    }

    public Uni<MarkerAllocation> allocation(String tenant, UUID examId) {
        return markers.find(tenant, examId)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("exam", examId));
    }

    /**
     * Replaces the exam's allocation; every question number must be one of the exam's. {@code by}: the
     * gateway's subject (audited with the allocation before and after).
     */
    public Uni<MarkerAllocation> replace(String tenant, String by, UUID examId, MarkerAllocation request) {
        return exams.questions(tenant, examId).chain(questions -> {
            MarkerAllocation allocation = validate(request, questions);
            // locked before it is read, so two replacements never record the same "before"
            return outbox.inTransaction((tx, events) -> markers.lock(tx, tenant, examId)
                    .chain(() -> markers.find(tx, tenant, examId))
                    .chain(before -> markers.replace(tx, tenant, examId, allocation)
                            .chain(() -> markers.find(tx, tenant, examId))
                            .invoke(after -> audit.record(events, tenant, "markers.allocated", "exam", examId, by,
                                    before, after))));
        });
    }

    public Uni<MarkerQuality> quality(String tenant, UUID examId) {
        return exams.find(tenant, examId).chain(() -> markers.quality(tenant, examId));
    }

    private static MarkerAllocation validate(MarkerAllocation request, List<Question> questions) {
        if (request == null || request.markers() == null) {
            throw ZhiyueException.validation("markers", "expected {markers: [{markerId, questionNumbers, chief?}], "
                    + "recheckEvery?}");
        }
        List<FieldError> errors = new ArrayList<>();
        int recheckEvery = request.recheckEvery() == null ? DEFAULT_RECHECK_EVERY : request.recheckEvery();
        if (recheckEvery < 1 || recheckEvery > MAX_RECHECK_EVERY) {
            errors.add(new FieldError("recheckEvery", "must be between 1 and " + MAX_RECHECK_EVERY));
        }
        if (request.markers().size() > MAX_MARKERS) {
            errors.add(new FieldError("markers", "at most " + MAX_MARKERS + " markers"));
        }
        Set<Integer> numbers = new HashSet<>();
        questions.forEach(question -> numbers.add(question.number()));
        Set<String> seen = new HashSet<>();
        List<Assignment> assignments = new ArrayList<>();
        for (int i = 0; i < request.markers().size() && errors.size() < 100; i++) {
            Assignment assignment = request.markers().get(i);
            String field = "markers[" + i + "]";
            if (assignment == null) {
                errors.add(new FieldError(field, "must be an object {markerId, questionNumbers, chief?}"));
                continue;
            }
            String markerProblem = MarkFields.markerProblem(assignment.markerId());
            MarkFields.add(errors, field + ".markerId", markerProblem);
            if (markerProblem == null && !seen.add(assignment.markerId().trim())) {
                errors.add(new FieldError(field + ".markerId", "appears more than once"));
            }
            List<Integer> wanted = assignment.questionNumbers();
            if (wanted == null || wanted.isEmpty()) {
                errors.add(new FieldError(field + ".questionNumbers", "must name at least one question"));
                continue;
            }
            if (wanted.contains(null) || !numbers.containsAll(wanted)) {
                errors.add(new FieldError(field + ".questionNumbers", "must be question numbers of this exam"));
            } else if (new HashSet<>(wanted).size() != wanted.size()) {
                errors.add(new FieldError(field + ".questionNumbers", "must not repeat a question"));
            }
            if (markerProblem == null) {
                assignments.add(new Assignment(assignment.markerId().trim(), wanted,
                        Boolean.TRUE.equals(assignment.chief())));
            }
        }
        ExamService.failIfAny(errors);
        return new MarkerAllocation(recheckEvery, assignments);
    }
}
