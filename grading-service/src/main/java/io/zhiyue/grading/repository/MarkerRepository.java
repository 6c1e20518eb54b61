package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.MarkerAllocation;
import io.zhiyue.grading.model.MarkerAllocation.Assignment;
import io.zhiyue.grading.model.MarkerQuality;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Marker allocation of an exam, what it gives one marker, and the per-marker figures. */
@ApplicationScoped
public class MarkerRepository {

    /** What the allocation gives a marker for one question: whether there is one at all, assigned, chief. */
    public record MarkerAssignment(boolean allocated, boolean assigned, boolean chief) {
    }

    /** The questions a marker marks ({@code null}: the exam allocates nobody, so all) and those they are chief of. */
    public record MarkerQuestions(Integer[] numbers, boolean chiefOfAny) {
    }

    private final Pool pool;

    public MarkerRepository(Pool pool) {
        this.pool = pool;
    }

    /** Holds the exam's allocation for the caller's transaction (what {@link #replace} does first). */
    public Uni<Void> lock(SqlConnection tx, String tenant, UUID examId) {
        return tx.preparedQuery(SqlQueries.LOCK_EXAM).execute(Tuple.of(tenant, examId)).replaceWithVoid();
    }

    /** Replaces the exam's allocation, in the caller's transaction. */
    public Uni<Void> replace(SqlConnection tx, String tenant, UUID examId, MarkerAllocation allocation) {
        List<String> markers = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        List<Boolean> chiefs = new ArrayList<>();
        for (Assignment assignment : allocation.markers()) {
            for (Integer number : assignment.questionNumbers()) {
                markers.add(assignment.markerId());
                numbers.add(number);
                chiefs.add(Boolean.TRUE.equals(assignment.chief()));
            }
        }
        return tx.preparedQuery(SqlQueries.LOCK_EXAM).execute(Tuple.of(tenant, examId))
                .chain(() -> tx.preparedQuery(SqlQueries.DELETE_ALLOCATION).execute(Tuple.of(tenant, examId)))
                .chain(() -> tx.preparedQuery(SqlQueries.INSERT_ALLOCATION).execute(Tuple.of(tenant, examId,
                        markers.toArray(new String[0]), numbers.toArray(new Integer[0]), chiefs.toArray(new Boolean[0]))))
                .chain(() -> tx.preparedQuery(SqlQueries.SET_RECHECK_EVERY)
                        .execute(Tuple.of(tenant, examId, allocation.recheckEvery())))
                .replaceWithVoid();
    }

    /** The exam's allocation, one entry per marker; null when the tenant has no such exam. */
    public Uni<MarkerAllocation> find(SqlConnection connection, String tenant, UUID examId) {
        return connection.preparedQuery(SqlQueries.ALLOCATION).execute(Tuple.of(tenant, examId)).map(rows -> {
            Integer recheckEvery = null;
            Map<String, List<Integer>> questions = new LinkedHashMap<>();
            Map<String, Boolean> chiefs = new LinkedHashMap<>();
            for (Row row : rows) {
                recheckEvery = row.getInteger("recheck_every");
                String marker = row.getString("marker_id");
                if (marker != null) {
                    questions.computeIfAbsent(marker, key -> new ArrayList<>()).add(row.getInteger("question_number"));
                    chiefs.merge(marker, row.getBoolean("chief"), Boolean::logicalOr);
                }
            }
            if (recheckEvery == null) {
                return null;
            }
            List<Assignment> markers = new ArrayList<>();
            questions.forEach((marker, numbers) -> markers.add(new Assignment(marker, numbers, chiefs.get(marker))));
            return new MarkerAllocation(recheckEvery, markers);
        });
    }

    public Uni<MarkerAllocation> find(String tenant, UUID examId) {
        return pool.withConnection(connection -> find(connection, tenant, examId));
    }

    /** What the exam's allocation gives the marker for the question. */
    public Uni<MarkerAssignment> assignment(SqlConnection connection, UUID examId, String markerId,
            int questionNumber) {
        return connection.preparedQuery(SqlQueries.MARKER_ASSIGNMENT)
                .execute(Tuple.of(examId, markerId, questionNumber))
                .map(rows -> Rows.first(rows, row -> new MarkerAssignment(row.getBoolean("allocated"),
                        row.getBoolean("assigned"), row.getBoolean("chief"))));
    }

    public Uni<MarkerAssignment> assignment(UUID examId, String markerId, int questionNumber) {
        return pool.withConnection(connection -> assignment(connection, examId, markerId, questionNumber));
    }

    /** The questions the marker marks in the exam. */
    public Uni<MarkerQuestions> questionsOf(SqlConnection connection, String tenant, UUID examId, String markerId) {
        Tuple arguments = Tuple.of(tenant, examId, markerId);
        return connection.preparedQuery(SqlQueries.MARKER_QUESTIONS).execute(arguments).map(rows -> {
            if (rows.size() == 0) {
                return new MarkerQuestions(null, false);
            }
            List<Integer> numbers = new ArrayList<>();
            boolean chief = false;
            for (Row row : rows) {
                if (row.getBoolean("mine")) {
                    numbers.add(row.getInteger("question_number"));
                    chief |= row.getBoolean("chief");
                }
            }
            return new MarkerQuestions(numbers.toArray(new Integer[0]), chief);
        });
    }

    public Uni<MarkerQuestions> questionsOf(String tenant, UUID examId, String markerId) {
        return pool.withConnection(connection -> questionsOf(connection, tenant, examId, markerId));
    }

    /** The exam's per-marker figures, by marker id. */
    public Uni<MarkerQuality> quality(String tenant, UUID examId) {
        Tuple exam = Tuple.of(tenant, examId);
        Map<String, Figures> byMarker = new TreeMap<>();
        return pool.preparedQuery(SqlQueries.MARKER_FIGURES).execute(exam).invoke(rows -> {
            for (Row row : rows) {
                Figures figures = byMarker.computeIfAbsent(row.getString("marker_id"), Figures::new);
                figures.reviewMarks = row.getLong("marked");
                figures.medianSeconds = row.getDouble("median_seconds");
                figures.resolved = row.getLong("resolved");
                figures.meanDeviation = row.getBigDecimal("mean_deviation");
            }
        }).chain(() -> pool.preparedQuery(SqlQueries.MARKER_RECHECK_FIGURES).execute(exam)).invoke(rows -> {
            for (Row row : rows) {
                Figures figures = byMarker.computeIfAbsent(row.getString("marker_id"), Figures::new);
                figures.rechecked = row.getLong("rechecked");
                figures.same = row.getLong("same");
                figures.meanDifference = row.getBigDecimal("mean_difference");
            }
        }).chain(() -> pool.preparedQuery(SqlQueries.MARKER_TEACHER_MARKS).execute(exam)).map(rows -> {
            for (Row row : rows) {
                byMarker.computeIfAbsent(row.getString("marker_id"), Figures::new).teacherMarks = row.getLong("marked");
            }
            return new MarkerQuality(byMarker.values().stream().map(Figures::marker).toList());
        });
    }

    private static final class Figures {
        final String markerId;
        long reviewMarks;
        long teacherMarks;
        Double medianSeconds;
        long resolved;
        BigDecimal meanDeviation;
        long rechecked;
        long same;
        BigDecimal meanDifference;

        Figures(String markerId) {
            this.markerId = markerId;
        }

        MarkerQuality.Marker marker() {
            return new MarkerQuality.Marker(markerId, reviewMarks, teacherMarks, medianSeconds, resolved,
                    meanDeviation, rechecked, same, meanDifference);
        }
    }
}
