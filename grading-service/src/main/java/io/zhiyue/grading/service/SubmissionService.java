package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.grading.model.Submission;
import io.zhiyue.grading.model.SubmissionInput;
import io.zhiyue.grading.model.UploadReport;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.repository.QuestionRepository;
import io.zhiyue.grading.repository.SubmissionRepository;
import io.zhiyue.grading.repository.SubmissionRepository.NewSubmission;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Answer uploads (JSON or CSV): good rows are stored, bad rows reported with their row number;
 * a row for a student and question that already has an answer is a duplicate, never an overwrite.
 */
@ApplicationScoped
public class SubmissionService {

    static final int MAX_STUDENT_ID = 64;
    static final int MAX_ANSWER = 20_000;

    private final ExamService exams;
    private final QuestionRepository questions;
    private final SubmissionRepository submissions;
    private final Pool pool;

    public SubmissionService(ExamService exams, QuestionRepository questions, SubmissionRepository submissions,
            Pool pool) {
        this.exams = exams;
        this.questions = questions;
        this.submissions = submissions;
        this.pool = pool;
    }

    /** Stores an upload read as it arrives (see {@link ChunkedUpload}). Blocking: call it on a worker thread. */
    @WithSpan
    public UploadReport upload(String tenant, UUID examId, UploadRows<SubmissionInput> rows) {
        exams.find(tenant, examId).await().atMost(ChunkedUpload.STEP_TIMEOUT);
        Map<Integer, UUID> questionIds = questions.numbers(tenant, examId).await().atMost(ChunkedUpload.STEP_TIMEOUT);
        Set<String> seen = new HashSet<>();
        UUID uploadId = UUID.randomUUID();
        return ChunkedUpload.run(pool, rows, (row, rejected) -> validate(row, questionIds, seen, rejected),
                (connection, chunk, rejected) -> insert(connection, tenant, examId, uploadId, chunk, rejected))
                .of(uploadId);
    }

    public Uni<PageResponse<Submission>> list(String tenant, UUID examId, ListQuery query) {
        return exams.find(tenant, examId).chain(() -> submissions.list(tenant, examId, query));
    }

    /** Inserts a chunk; a row whose student and question already have an answer is reported, never overwritten. */
    private int insert(SqlConnection connection, String tenant, UUID examId, UUID uploadId, List<NewSubmission> chunk,
            ChunkedUpload.Rejections rejected) {
        List<UUID> ids = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            ids.add(UUID.randomUUID());
        }
        Set<UUID> inserted = submissions.insertAll(connection, tenant, examId, uploadId, chunk, ids)
                .await().atMost(ChunkedUpload.STEP_TIMEOUT);
        for (int i = 0; i < chunk.size(); i++) {
            if (!inserted.contains(ids.get(i))) {
                NewSubmission row = chunk.get(i);
                rejected.add(row.row(), ErrorCode.DUPLICATE_RECORD, "student " + row.studentId()
                        + " already has an answer to question " + row.questionNumber());
            }
        }
        return inserted.size();
    }

    /** The row ready to insert, or null when it is rejected (and reported). */
    private static NewSubmission validate(UploadRows.Row<SubmissionInput> row, Map<Integer, UUID> questionIds, Set<String> seen,
            ChunkedUpload.Rejections rejected) {
        SubmissionInput input = row.input();
        String problem = problemWith(input, questionIds);
        if (problem != null) {
            return rejected.invalid(row.number(), problem);
        }
        String studentId = input.studentId().trim();
        if (!seen.add(studentId + "\u0000" + input.questionNumber())) {
            rejected.add(row.number(), ErrorCode.DUPLICATE_RECORD, "student " + studentId
                    + " answers question " + input.questionNumber() + " more than once in this upload");
            return null;
        }
        return new NewSubmission(row.number(), questionIds.get(input.questionNumber()), studentId,
                input.questionNumber(), input.answer());
    }

    private static String problemWith(SubmissionInput input, Map<Integer, UUID> questionIds) {
        if (input.studentId() == null || input.studentId().isBlank()) {
            return "studentId is required";
        }
        if (input.studentId().trim().length() > MAX_STUDENT_ID) {
            return "studentId is longer than " + MAX_STUDENT_ID + " characters";
        }
        if (input.questionNumber() == null) {
            return "questionNumber is required";
        }
        if (!questionIds.containsKey(input.questionNumber())) {
            return "question " + input.questionNumber() + " does not exist in this exam";
        }
        if (input.answer() == null) {
            return "answer is required (an empty string for a blank answer)";
        }
        if (input.answer().length() > MAX_ANSWER) {
            return "answer is longer than " + MAX_ANSWER + " characters";
        }
        // PostgreSQL text cannot store NUL; one such row must not fail the whole upload
        if (input.studentId().indexOf('\u0000') >= 0 || input.answer().indexOf('\u0000') >= 0) {
            return "studentId and answer must not contain the NUL character";
        }
        return null;
    }
}
