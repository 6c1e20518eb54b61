package io.zhiyue.grading.model;

import java.util.List;

/** Good rows are stored, bad rows reported; rows are 1-based, the CSV header not counted. */
public record UploadReport(int accepted, List<RejectedRow> rejected) {

    public record RejectedRow(int row, String code, String message) {
    }
}
