package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.grading.marking.ScoreScale;
import io.zhiyue.grading.model.MarkInput;
import io.zhiyue.grading.model.UploadReport;
import io.zhiyue.grading.repository.MarkerRepository;
import io.zhiyue.grading.repository.TeacherMarkRepository;
import io.zhiyue.grading.repository.TeacherMarkRepository.QuestionScale;
import io.zhiyue.shared.error.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Teacher marks (DESIGN.md "Marking"): a teacher's score for a student's answer, stored under the
 * question version it was made under. A later job gives that submission the mark (HUMAN) without
 * asking a grader; the exemplar grader learns from these marks. Good rows are stored, bad rows
 * reported as for answer uploads; a mark never replaces an earlier one in place (every mark is
 * kept, the latest is final).
 */
@ApplicationScoped
public class TeacherMarkService {

    private final ExamService exams;
    private final TeacherMarkRepository marks;
    private final MarkerRepository markers;
    private final Pool pool;

    public TeacherMarkService(ExamService exams, TeacherMarkRepository marks, MarkerRepository markers, Pool pool) {
        this.exams = exams;
        this.marks = marks;
        this.markers = markers;
        this.pool = pool;
    }

    /**
     * Stores the marks read as they arrive (see {@link ChunkedUpload}). Blocking: call it on a worker thread.
     * {@code marker} says who marked every row (the gateway's subject over each row's {@code markerId}); a caller
     * that marks only what its allocation gives it has the rows of other questions rejected (AUTHORIZATION_ERROR).
     */
    @WithSpan
    public UploadReport upload(String tenant, UUID examId, UploadRows<MarkInput> rows, MarkerIdentity marker) {
        exams.find(tenant, examId).await().atMost(ChunkedUpload.STEP_TIMEOUT);
        Map<Integer, QuestionScale> scales = marks.scales(tenant, examId).await().atMost(ChunkedUpload.STEP_TIMEOUT);
        Set<Integer> allowed = marker.allocatedOnly() ? allocatedQuestions(tenant, examId, marker) : null;
        Set<String> seen = new HashSet<>();
        return ChunkedUpload.run(pool, rows, (row, rejected) -> validate(row, scales, marker, allowed, seen, rejected),
                (connection, chunk, rejected) -> insert(connection, tenant, examId, chunk, rejected));
    }

    /** The questions the exam's allocation gives the caller (none when it allocates nobody). */
    private Set<Integer> allocatedQuestions(String tenant, UUID examId, MarkerIdentity marker) {
        Integer[] allocated = markers.questionsOf(tenant, examId, marker.subject())
                .await().atMost(ChunkedUpload.STEP_TIMEOUT).numbers();
        return Set.of(marker.queueQuestions(allocated));
    }

    private int insert(SqlConnection connection, String tenant, UUID examId, List<Numbered> chunk,
            ChunkedUpload.Rejections rejected) {
        List<UUID> ids = new ArrayList<>(chunk.size());
        List<MarkInput> inputs = new ArrayList<>(chunk.size());
        for (Numbered numbered : chunk) {
            ids.add(UUID.randomUUID());
            inputs.add(numbered.mark());
        }
        Set<UUID> stored = marks.insertAll(connection, tenant, examId, inputs, ids).await()
                .atMost(ChunkedUpload.STEP_TIMEOUT);
        for (int i = 0; i < chunk.size(); i++) {
            if (!stored.contains(ids.get(i))) {
                MarkInput mark = chunk.get(i).mark();
                rejected.add(chunk.get(i).row(), ErrorCode.RECORD_NOT_FOUND, "student " + mark.studentId()
                        + " has no answer to question " + mark.questionNumber() + " in this exam");
            }
        }
        return stored.size();
    }

    /** A mark ready to store with its row number, or null when it is rejected (and reported). */
    private static Numbered validate(UploadRows.Row<MarkInput> row, Map<Integer, QuestionScale> scales,
            MarkerIdentity marker, Set<Integer> allowed, Set<String> seen, ChunkedUpload.Rejections rejected) {
        MarkInput given = row.input();
        MarkInput input = new MarkInput(given.studentId(), given.questionNumber(), given.score(), given.points(),
                marker.markerId(given.markerId()), given.comment());
        String problem = problemWith(input, scales);
        if (problem != null) {
            return rejected.invalid(row.number(), problem);
        }
        if (allowed != null && !allowed.contains(input.questionNumber())) {
            rejected.add(row.number(), ErrorCode.AUTHORIZATION_ERROR, "marker " + input.markerId().trim()
                    + " is not assigned question " + input.questionNumber() + " of this exam");
            return null;
        }
        String studentId = input.studentId().trim();
        if (!seen.add(studentId + "\u0000" + input.questionNumber())) {
            rejected.add(row.number(), ErrorCode.DUPLICATE_RECORD, "student " + studentId + "'s answer to question "
                    + input.questionNumber() + " is marked more than once in this upload");
            return null;
        }
        return new Numbered(row.number(), new MarkInput(studentId, input.questionNumber(), ScoreScale.normalise(input.score()),
                input.points(), input.markerId().trim(), input.comment()));
    }

    private static String problemWith(MarkInput input, Map<Integer, QuestionScale> scales) {
        if (input.studentId() == null || input.studentId().isBlank()) {
            return "studentId is required";
        }
        if (input.studentId().trim().length() > SubmissionService.MAX_STUDENT_ID) {
            return "studentId is longer than " + SubmissionService.MAX_STUDENT_ID + " characters";
        }
        if (input.questionNumber() == null) {
            return "questionNumber is required";
        }
        QuestionScale question = scales.get(input.questionNumber());
        if (question == null) {
            return "question " + input.questionNumber() + " does not exist in this exam";
        }
        var violation = question.scale().violationOf(input.score());
        if (violation.isPresent()) {
            return "score " + violation.get().message(question.scale());
        }
        String marker = MarkFields.markerProblem(input.markerId());
        if (marker != null) {
            return "markerId " + marker;
        }
        String comment = MarkFields.noteProblem(input.comment());
        if (comment != null) {
            return "comment " + comment;
        }
        if (input.studentId().indexOf('\u0000') >= 0) {
            return "studentId must not contain the NUL character";
        }
        String points = MarkFields.pointsProblem(input.points());
        if (points != null) {
            return "points " + points;
        }
        return null;
    }

    private record Numbered(int row, MarkInput mark) {
    }
}
