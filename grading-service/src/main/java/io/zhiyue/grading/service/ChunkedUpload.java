package io.zhiyue.grading.service;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.zhiyue.grading.model.UploadReport;
import io.zhiyue.grading.model.UploadReport.RejectedRow;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * An upload stored as it is read, in one transaction: good rows are inserted in chunks (so memory
 * stays flat), bad rows reported with their row number. Past the row cap it stops reading and
 * stores nothing. Blocking: run it on a worker thread.
 */
final class ChunkedUpload {

    static final int MAX_ROWS = 100_000;
    /** Rejected rows listed in a report; more are counted in {@code rejectedNotListed}. */
    static final int MAX_LISTED_REJECTIONS = 1_000;
    /** Rows inserted per statement while an upload is read. */
    private static final int CHUNK_ROWS = 2_000;
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    /** A row ready to insert, or null when it is rejected (and reported to {@code rejected}). */
    @FunctionalInterface
    interface Validator<T, V> {
        V validate(UploadRows.Row<T> row, Rejections rejected);
    }

    /** Inserts a chunk; answers how many rows were stored and reports the others. */
    @FunctionalInterface
    interface Inserter<V> {
        int insert(SqlConnection connection, List<V> chunk, Rejections rejected);
    }

    private ChunkedUpload() {
    }

    static <T, V> UploadReport run(Pool pool, UploadRows<T> rows, Validator<T, V> validator, Inserter<V> inserter) {
        Rejections rejected = new Rejections(MAX_LISTED_REJECTIONS);
        SqlConnection connection = pool.getConnection().await().atMost(STEP_TIMEOUT);
        try {
            Transaction transaction = connection.begin().await().atMost(STEP_TIMEOUT);
            try {
                int accepted = 0;
                int count = 0;
                List<V> chunk = new ArrayList<>(CHUNK_ROWS);
                while (rows.hasNext()) {
                    if (++count > MAX_ROWS) {
                        throw ZhiyueException.validation("body", "at most " + MAX_ROWS + " rows per upload; split the file");
                    }
                    UploadRows.Row<T> row = rows.next();
                    V valid = row.problem() != null ? rejected.invalid(row.number(), row.problem())
                            : validator.validate(row, rejected);
                    if (valid != null) {
                        chunk.add(valid);
                    }
                    if (chunk.size() == CHUNK_ROWS) {
                        accepted += inserter.insert(connection, chunk, rejected);
                        chunk.clear();
                    }
                }
                if (!chunk.isEmpty()) {
                    accepted += inserter.insert(connection, chunk, rejected);
                }
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

    /**
     * The rejected rows reported back: the first {@code limit} by row number; the others are only
     * counted, so a file of 100,000 bad rows answers with a short report.
     */
    static final class Rejections {

        private final int limit;
        private final TreeMap<Integer, RejectedRow> listed = new TreeMap<>();
        private int omitted;

        Rejections(int limit) {
            this.limit = limit;
        }

        void add(int row, ErrorCode code, String message) {
            listed.put(row, new RejectedRow(row, code.name(), message));
            if (listed.size() > limit) {
                listed.pollLastEntry();
                omitted++;
            }
        }

        /** Reports a row that is not valid; answers null, the row to insert there is none. */
        <V> V invalid(int row, String message) {
            add(row, ErrorCode.VALIDATION_ERROR, message);
            return null;
        }

        UploadReport report(int accepted) {
            return new UploadReport(null, accepted, List.copyOf(listed.values()), omitted);
        }
    }
}
