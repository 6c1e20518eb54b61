package io.zhiyue.grading.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.UUID;

/**
 * Good rows are stored, bad rows reported; rows are 1-based, the CSV header not counted. At most
 * the first 1,000 rejected rows are listed; {@code rejectedNotListed} counts the others. An upload of answers
 * names itself ({@code uploadId}: the id to delete it by as a whole when it was the wrong file).
 */
public record UploadReport(@JsonInclude(JsonInclude.Include.NON_NULL) UUID uploadId, int accepted,
        List<RejectedRow> rejected, int rejectedNotListed) {

    /** This report as the report of upload {@code id}. */
    public UploadReport of(UUID id) {
        return new UploadReport(id, accepted, rejected, rejectedNotListed);
    }

    public record RejectedRow(int row, String code, String message) {
    }
}
