package io.zhiyue.grading.model;

import java.util.List;

/**
 * Good rows are stored, bad rows reported; rows are 1-based, the CSV header not counted. At most
 * the first 1,000 rejected rows are listed; {@code rejectedNotListed} counts the others.
 */
public record UploadReport(int accepted, List<RejectedRow> rejected, int rejectedNotListed) {

    public record RejectedRow(int row, String code, String message) {
    }
}
