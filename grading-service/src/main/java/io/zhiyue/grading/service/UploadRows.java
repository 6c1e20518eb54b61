package io.zhiyue.grading.service;

import java.util.Iterator;

/**
 * The rows of an upload, read from the body as it arrives: never the whole body, never all rows
 * at once. A row that cannot be read carries the reason; a body that is not a readable upload at
 * all fails with a VALIDATION_ERROR. {@code T} is what one row holds (an answer, a mark).
 */
public sealed interface UploadRows<T> extends Iterator<UploadRows.Row<T>> permits JsonUploadRows, CsvUploadRows {

    /**
     * One upload row, numbered from 1 (a CSV's header not counted): what it holds, or why it
     * could not be read ({@code input} then null).
     */
    record Row<T>(int number, T input, String problem) {

        static <T> Row<T> readable(int number, T input) {
            return new Row<>(number, input, null);
        }

        static <T> Row<T> unreadable(int number, String problem) {
            return new Row<>(number, null, problem);
        }
    }

    /** Why one row cannot be read; only its row is rejected. Cheap: no stack trace. */
    final class RowProblem extends Exception {

        public RowProblem(String message) {
            super(message, null, false, false);
        }
    }
}
