package io.zhiyue.grading.service;

import io.zhiyue.grading.model.SubmissionInput;

import java.util.Iterator;

/**
 * The rows of an upload, read from the body as it arrives: never the whole body, never all rows
 * at once. A row that cannot be read as a submission carries the reason; a body that is not a
 * readable upload at all fails with a VALIDATION_ERROR.
 */
public sealed interface UploadRows extends Iterator<UploadRows.Row> permits JsonUploadRows, CsvUploadRows {

    /**
     * One upload row, numbered from 1 (a CSV's header not counted): what it holds, or why it
     * could not be read ({@code input} then null).
     */
    record Row(int number, SubmissionInput input, String problem) {

        static Row readable(int number, SubmissionInput input) {
            return new Row(number, input, null);
        }

        static Row unreadable(int number, String problem) {
            return new Row(number, null, problem);
        }
    }
}
