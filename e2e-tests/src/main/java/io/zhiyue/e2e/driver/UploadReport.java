package io.zhiyue.e2e.driver;

import java.util.List;

/** The answer to a submissions upload: good rows are stored, bad rows reported (1-based, header not counted). */
public record UploadReport(String uploadId, int accepted, List<RejectedRow> rejected) {

    public record RejectedRow(int row, String code, String message) {
    }
}
