package io.zhiyue.grading.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Answer uploads (JSON or CSV): good rows are stored, bad rows reported with their row number;
 * a row for a student and question that already has an answer is a duplicate, never an overwrite.
 */
@ApplicationScoped
public class SubmissionService {

    public static final List<String> CSV_HEADER = List.of("student_id", "question_number", "answer");
    static final int MAX_ROWS = 100_000;
    static final int MAX_STUDENT_ID = 64;
    static final int MAX_ANSWER = 20_000;

    private final ExamService exams;
    private final QuestionRepository questions;
    private final SubmissionRepository submissions;

    public SubmissionService(ExamService exams, QuestionRepository questions, SubmissionRepository submissions) {
        this.exams = exams;
        this.questions = questions;
        this.submissions = submissions;
    }

    @WithSpan
    public Uni<UploadReport> uploadJson(String tenant, UUID examId, JsonNode body) {
        if (body == null || !body.isArray()) {
            throw ZhiyueException.validation("body", "expected a JSON array of {studentId, questionNumber, answer}");
        }
        List<SubmissionInput> rows = new ArrayList<>(body.size());
        List<RejectedRow> rejected = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            JsonNode element = body.get(i);
            String problem = typeProblem(element);
            if (problem != null) {
                rejected.add(new RejectedRow(i + 1, ErrorCode.VALIDATION_ERROR.name(), problem));
                rows.add(null);
            } else {
                rows.add(new SubmissionInput(text(element, "studentId"),
                        element.hasNonNull("questionNumber") ? element.get("questionNumber").intValue() : null,
                        text(element, "answer")));
            }
        }
        return store(tenant, examId, rows, rejected);
    }

    /** Wrong JSON types reject the row, not the whole upload. */
    private static String typeProblem(JsonNode element) {
        if (!element.isObject()) {
            return "expected an object {studentId, questionNumber, answer}";
        }
        JsonNode student = element.get("studentId");
        if (student != null && !student.isNull() && !student.isTextual()) {
            return "studentId must be a string";
        }
        JsonNode number = element.get("questionNumber");
        if (number != null && !number.isNull() && !(number.isIntegralNumber() && number.canConvertToInt())) {
            return "questionNumber must be a whole number";
        }
        JsonNode answer = element.get("answer");
        if (answer != null && !answer.isNull() && !answer.isTextual()) {
            return "answer must be a string";
        }
        return null;
    }

    private static String text(JsonNode element, String field) {
        JsonNode value = element.get(field);
        return value == null || value.isNull() ? null : value.textValue();
    }

    /** CSV parsing of a large upload runs on a worker thread, off the event loop. */
    @WithSpan
    public Uni<UploadReport> uploadCsv(String tenant, UUID examId, String body) {
        return Uni.createFrom().item(() -> parseCsv(body))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(parsed -> store(tenant, examId, parsed.rows(), parsed.rejected()));
    }

    public Uni<PageResponse<Submission>> list(String tenant, UUID examId, ListQuery query) {
        return exams.find(tenant, examId).chain(() -> submissions.list(tenant, examId, query));
    }

    private record ParsedCsv(List<SubmissionInput> rows, List<RejectedRow> rejected) {
    }

    /** Rows that cannot be read as a submission are rejected here; the rest are validated in {@link #store}. */
    static ParsedCsv parseCsv(String body) {
        List<CsvParser.Record> records;
        try {
            records = CsvParser.parse(body == null ? "" : body);
        } catch (CsvParser.MalformedCsvException e) {
            throw ZhiyueException.validation("body", "malformed CSV: " + e.getMessage());
        }
        if (records.isEmpty()) {
            throw ZhiyueException.validation("body", "the CSV is empty; expected the header student_id,question_number,answer");
        }
        List<String> header = records.get(0).fields().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        if (!header.equals(CSV_HEADER)) {
            throw ZhiyueException.validation("header", "expected the header student_id,question_number,answer but found "
                    + String.join(",", records.get(0).fields()));
        }
        List<SubmissionInput> rows = new ArrayList<>(records.size() - 1);
        List<RejectedRow> rejected = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> fields = records.get(i).fields();
            if (fields.size() != 3) {
                rejected.add(new RejectedRow(i, ErrorCode.VALIDATION_ERROR.name(),
                        "expected 3 columns, found " + fields.size()));
                rows.add(null);
                continue;
            }
            Integer number;
            try {
                number = Integer.valueOf(fields.get(1).trim());
            } catch (NumberFormatException e) {
                rejected.add(new RejectedRow(i, ErrorCode.VALIDATION_ERROR.name(),
                        "question_number '" + fields.get(1) + "' is not a whole number"));
                rows.add(null);
                continue;
            }
            rows.add(new SubmissionInput(fields.get(0), number, fields.get(2)));
        }
        return new ParsedCsv(rows, rejected);
    }

    /**
     * @param rows one entry per upload row (null where the row was already rejected)
     */
    private Uni<UploadReport> store(String tenant, UUID examId, List<SubmissionInput> rows, List<RejectedRow> rejectedEarly) {
        if (rows.size() > MAX_ROWS) {
            throw ZhiyueException.validation("body", "at most " + MAX_ROWS + " rows per upload; split the file");
        }
        return exams.find(tenant, examId)
                .chain(() -> questions.numbers(tenant, examId))
                .chain(numbers -> {
                    List<RejectedRow> rejected = new ArrayList<>(rejectedEarly);
                    List<NewSubmission> valid = validate(rows, numbers, rejected);
                    if (valid.isEmpty()) {
                        return Uni.createFrom().item(report(0, rejected));
                    }
                    List<UUID> ids = new ArrayList<>(valid.size());
                    for (int i = 0; i < valid.size(); i++) {
                        ids.add(UUID.randomUUID());
                    }
                    return submissions.insertAll(tenant, examId, valid, ids).map(inserted -> {
                        for (int i = 0; i < valid.size(); i++) {
                            if (!inserted.contains(ids.get(i))) {
                                NewSubmission row = valid.get(i);
                                rejected.add(new RejectedRow(row.row(), ErrorCode.DUPLICATE_RECORD.name(),
                                        "student " + row.studentId() + " already has an answer to question "
                                                + row.questionNumber()));
                            }
                        }
                        return report(inserted.size(), rejected);
                    });
                });
    }

    private static List<NewSubmission> validate(List<SubmissionInput> rows, Map<Integer, UUID> questionIds,
            List<RejectedRow> rejected) {
        List<NewSubmission> valid = new ArrayList<>(rows.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            SubmissionInput input = rows.get(i);
            int rowNumber = i + 1;
            if (input == null) {
                continue;
            }
            String problem = problemWith(input, questionIds);
            if (problem != null) {
                rejected.add(new RejectedRow(rowNumber, ErrorCode.VALIDATION_ERROR.name(), problem));
                continue;
            }
            String studentId = input.studentId().trim();
            if (!seen.add(studentId + "\u0000" + input.questionNumber())) {
                rejected.add(new RejectedRow(rowNumber, ErrorCode.DUPLICATE_RECORD.name(),
                        "student " + studentId + " answers question " + input.questionNumber()
                                + " more than once in this upload"));
                continue;
            }
            valid.add(new NewSubmission(rowNumber, questionIds.get(input.questionNumber()), studentId,
                    input.questionNumber(), input.answer()));
        }
        return valid;
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

    private static UploadReport report(int accepted, List<RejectedRow> rejected) {
        List<RejectedRow> sorted = new ArrayList<>(rejected);
        sorted.sort(Comparator.comparingInt(RejectedRow::row));
        return new UploadReport(accepted, sorted);
    }
}
