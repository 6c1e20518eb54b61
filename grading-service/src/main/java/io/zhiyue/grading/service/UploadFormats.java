package io.zhiyue.grading.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.grading.model.MarkInput;
import io.zhiyue.grading.model.SubmissionInput;
import io.zhiyue.grading.service.UploadRows.RowProblem;

import java.io.InputStream;
import java.math.BigDecimal;
import java.util.List;

/** The uploads grading-service reads: answers and teacher marks, each as JSON or CSV. */
public final class UploadFormats {

    public static final List<String> SUBMISSION_HEADER = List.of("student_id", "question_number", "answer");
    public static final List<String> MARK_HEADER = List.of("student_id", "question_number", "score", "marker_id");

    private static final CsvUploadRows.Format<SubmissionInput> SUBMISSIONS_CSV = new CsvUploadRows.Format<>(
            SUBMISSION_HEADER, fields -> new SubmissionInput(fields[0],
                    CsvUploadRows.wholeNumber("question_number", fields[1]), fields[2]));
    private static final JsonUploadRows.Format<SubmissionInput> SUBMISSIONS_JSON = new JsonUploadRows.Format<>(
            "{studentId, questionNumber, answer}", object -> new SubmissionInput(
                    JsonUploadRows.text(object, "studentId"), JsonUploadRows.wholeNumber(object, "questionNumber"),
                    JsonUploadRows.text(object, "answer")));
    private static final CsvUploadRows.Format<MarkInput> MARKS_CSV = new CsvUploadRows.Format<>(
            MARK_HEADER, fields -> new MarkInput(fields[0], CsvUploadRows.wholeNumber("question_number", fields[1]),
                    decimal("score", fields[2]), null, fields[3], null));
    private static final JsonUploadRows.Format<MarkInput> MARKS_JSON = new JsonUploadRows.Format<>(
            "{studentId, questionNumber, score, points?, markerId, comment?}", UploadFormats::mark);

    private UploadFormats() {
    }

    public static UploadRows<SubmissionInput> submissionsCsv(InputStream body) {
        return new CsvUploadRows<>(body, SUBMISSIONS_CSV);
    }

    public static UploadRows<SubmissionInput> submissionsJson(InputStream body) {
        return new JsonUploadRows<>(body, SUBMISSIONS_JSON);
    }

    public static UploadRows<MarkInput> marksCsv(InputStream body) {
        return new CsvUploadRows<>(body, MARKS_CSV);
    }

    public static UploadRows<MarkInput> marksJson(InputStream body) {
        return new JsonUploadRows<>(body, MARKS_JSON);
    }

    private static MarkInput mark(JsonNode object) throws RowProblem {
        JsonNode points = object.path("points");
        return new MarkInput(JsonUploadRows.text(object, "studentId"), JsonUploadRows.wholeNumber(object, "questionNumber"),
                JsonUploadRows.number(object, "score"), points.isMissingNode() || points.isNull() ? null : points,
                JsonUploadRows.text(object, "markerId"), JsonUploadRows.text(object, "comment"));
    }

    private static BigDecimal decimal(String column, String field) throws RowProblem {
        try {
            return new BigDecimal(field.trim());
        } catch (NumberFormatException e) {
            throw new RowProblem(column + " '" + field + "' is not a number");
        }
    }
}
