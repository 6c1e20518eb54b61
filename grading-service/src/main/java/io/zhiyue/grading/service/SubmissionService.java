package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.zhiyue.grading.model.Submission;
import io.zhiyue.grading.model.SubmissionInput;
import io.zhiyue.grading.model.UploadReport;
import io.zhiyue.grading.model.UploadReport.RejectedRow;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.repository.QuestionRepository;
import io.zhiyue.grading.repository.SubmissionRepository;
import io.zhiyue.grading.repository.SubmissionRepository.NewSubmission;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Answer uploads (JSON or CSV): good rows are stored, bad rows reported with their row number;
 * a row for a student and question that already has an answer is a duplicate, never an overwrite.
 */
@ApplicationScoped
public class SubmissionService {

    static final int MAX_ROWS = 100_000;
    /** Rejected rows listed in a report; more are counted in {@code rejectedNotListed}. */
    static final int MAX_LISTED_REJECTIONS = 1_000;
    /** Rows inserted per statement while an upload is read. */
    private static final int CHUNK_ROWS = 2_000;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
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

    /**
     * Stores an upload read as it arrives, in one transaction: good rows are stored (in chunks, so
     * memory stays flat), bad rows reported. Past the row cap it stops reading and stores nothing.
     * Blocking: call it on a worker thread.
     */
    @WithSpan
    public UploadReport upload(String tenant, UUID examId, UploadRows rows) {
        exams.find(tenant, examId).await().atMost(STEP_TIMEOUT);
        Map<Integer, UUID> questionIds = questions.numbers(tenant, examId).await().atMost(STEP_TIMEOUT);
        Rejections rejected = new Rejections(MAX_LISTED_REJECTIONS);
        Set<String> seen = new HashSet<>();
        SqlConnection connection = pool.getConnection().await().atMost(STEP_TIMEOUT);
        try {
            Transaction transaction = connection.begin().await().atMost(STEP_TIMEOUT);
            try {
                int accepted = 0;
                int count = 0;
                List<NewSubmission> chunk = new ArrayList<>(CHUNK_ROWS);
                while (rows.hasNext()) {
                    if (++count > MAX_ROWS) {
                        throw ZhiyueException.validation("body", "at most " + MAX_ROWS + " rows per upload; split the file");
                    }
                    NewSubmission valid = validate(rows.next(), questionIds, seen, rejected);
                    if (valid != null) {
                        chunk.add(valid);
                    }
                    if (chunk.size() == CHUNK_ROWS) {
                        accepted += insert(connection, tenant, examId, chunk, rejected);
                        chunk.clear();
                    }
                }
                accepted += insert(connection, tenant, examId, chunk, rejected);
                transaction.commit().await().atMost(STEP_TIMEOUT);
                return rejected.report(accepted);
            } catch (RuntimeException e) {
                transaction.rollback().onFailure().recoverWithNull().await().atMost(STEP_TIMEOUT);
                throw e;
            }
        } finally {
            connection.close().onFailure().recoverWithNull().await().atMost(STEP_TIMEOUT);
        }
    }

    public Uni<PageResponse<Submission>> list(String tenant, UUID examId, ListQuery query) {
        return exams.find(tenant, examId).chain(() -> submissions.list(tenant, examId, query));
    }

    /** Inserts a chunk; a row whose student and question already have an answer is reported, never overwritten. */
    private int insert(SqlConnection connection, String tenant, UUID examId, List<NewSubmission> chunk,
            Rejections rejected) {
        if (chunk.isEmpty()) {
            return 0;
        }
        List<UUID> ids = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            ids.add(UUID.randomUUID());
        }
        Set<UUID> inserted = submissions.insertAll(connection, tenant, examId, chunk, ids).await().atMost(STEP_TIMEOUT);
        for (int i = 0; i < chunk.size(); i++) {
            if (!inserted.contains(ids.get(i))) {
                NewSubmission row = chunk.get(i);
                rejected.add(new RejectedRow(row.row(), ErrorCode.DUPLICATE_RECORD.name(), "student " + row.studentId()
                        + " already has an answer to question " + row.questionNumber()));
            }
        }
        return inserted.size();
    }

    /** The row ready to insert, or null when it is rejected (and reported). */
    private static NewSubmission validate(UploadRows.Row row, Map<Integer, UUID> questionIds, Set<String> seen,
            Rejections rejected) {
        if (row.problem() != null) {
            rejected.add(new RejectedRow(row.number(), ErrorCode.VALIDATION_ERROR.name(), row.problem()));
            return null;
        }
        SubmissionInput input = row.input();
        String problem = problemWith(input, questionIds);
        if (problem != null) {
            rejected.add(new RejectedRow(row.number(), ErrorCode.VALIDATION_ERROR.name(), problem));
            return null;
        }
        String studentId = input.studentId().trim();
        if (!seen.add(studentId + "\u0000" + input.questionNumber())) {
            rejected.add(new RejectedRow(row.number(), ErrorCode.DUPLICATE_RECORD.name(), "student " + studentId
                    + " answers question " + input.questionNumber() + " more than once in this upload"));
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

    /**
     * The rejected rows reported back: the first {@code limit} by row number; the others are only
     * counted, so a file of 100,000 bad rows answers with a short report.
     */
    private static final class Rejections {

        private final int limit;
        private final TreeMap<Integer, RejectedRow> listed = new TreeMap<>();
        private int omitted;

        Rejections(int limit) {
            this.limit = limit;
        }

        void add(RejectedRow row) {
            listed.put(row.row(), row);
            if (listed.size() > limit) {
                listed.pollLastEntry();
                omitted++;
            }
        }

        UploadReport report(int accepted) {
            return new UploadReport(accepted, List.copyOf(listed.values()), omitted);
        }
    }
}
