package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.marking.ScoreScale;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Answer groups as stored snapshots: the answers they are made from, the groups and their exact
 * members, and the teacher marks and review items a group mark reaches. A snapshot is written once
 * and never changed, so a mark on it reaches exactly the answers the teacher saw grouped.
 */
@ApplicationScoped
public class AnswerGroupRepository {

    /** A question as answers are grouped under it: its exam, current version and scale. */
    public record QuestionVersion(UUID questionId, UUID examId, UUID rubricId, ScoreScale scale) {
    }

    /** One answer to group: its proposal (null: none) and whether a teacher mark under the version exists. */
    public record AnswerRow(UUID submissionId, String answer, BigDecimal proposedScore, boolean marked) {
    }

    /** A group to store: what {@code answer_groups} keeps, and its members. */
    public record NewGroup(UUID id, String representative, BigDecimal proposedScore, List<UUID> members) {
    }

    /** A stored group with the question it belongs to, as a mark on it is checked and stored. */
    public record StoredGroup(UUID id, UUID questionId, int questionNumber, UUID examId, UUID rubricId,
            ScoreScale scale) {
    }

    /** An open review item of a member; {@code blind}: double-marked or an audit item. */
    public record OpenItem(UUID id, boolean blind) {
    }

    /** The answer groups list pages a computed list; the names here only check {@code fields}. */
    private static final ListQuery.Column SIZE = new ListQuery.Column("answer_group.size", "size", ListQuery.Type.INT);
    private static final ListQuery.Column ID = new ListQuery.Column("answer_group.id", "id", ListQuery.Type.UUID);

    /** Always biggest first; no sort, filter or cursor to choose. */
    public static final ListQuery.Spec LIST_SPEC = new ListQuery.Spec(Map.of(), Map.of(),
            Set.of("id", "questionId", "representative", "normalizedAnswer", "size", "variants",
                    "proposedScore", "marked", "createdAt"),
            SIZE, ID);

    private final Pool pool;

    public AnswerGroupRepository(Pool pool) {
        this.pool = pool;
    }

    /** Null when the tenant has no such question. */
    public Uni<QuestionVersion> question(String tenant, UUID questionId) {
        return pool.preparedQuery(SqlQueries.ANSWER_GROUP_QUESTION).execute(Tuple.of(tenant, questionId))
                .map(rows -> Rows.first(rows, row -> new QuestionVersion(row.getUUID("id"), row.getUUID("exam_id"),
                        row.getUUID("current_rubric_id"), scale(row))));
    }

    /**
     * The question's answers by id, streamed from a cursor ({@code fetch} rows at a time) in a
     * read-only transaction of its own, so a question with any number of answers is never held in
     * memory here; ending the stream releases the connection.
     */
    public Multi<AnswerRow> answers(String tenant, QuestionVersion question, int fetch) {
        Tuple arguments = Tuple.of(tenant, question.examId(), question.questionId(), question.rubricId());
        return Multi.createFrom().resourceFromUni(pool::getConnection,
                        connection -> readOnlyCursor(connection, arguments, fetch))
                .withFinalizer((SqlConnection connection) -> connection.close())
                .map(row -> new AnswerRow(row.getUUID("id"), row.getString("answer"),
                        row.getBigDecimal("proposed_score"), row.getBoolean("marked")));
    }

    private static Multi<Row> readOnlyCursor(SqlConnection connection, Tuple arguments, int fetch) {
        return connection.begin()
                .chain(() -> connection.query(SqlQueries.EXPORT_TRANSACTION).execute())
                .chain(() -> connection.prepare(SqlQueries.QUESTION_ANSWERS))
                .onItem().transformToMulti(statement -> statement.createStream(fetch, arguments).toMulti());
    }

    /** The answers of these submissions by id. */
    public Uni<Map<UUID, String>> answerTexts(String tenant, List<UUID> submissionIds) {
        return pool.preparedQuery(SqlQueries.ANSWER_TEXTS)
                .execute(Tuple.of(tenant, submissionIds.toArray(new UUID[0])))
                .map(rows -> {
                    Map<UUID, String> texts = new HashMap<>();
                    for (Row row : rows) {
                        texts.put(row.getUUID("id"), row.getString("answer"));
                    }
                    return texts;
                });
    }

    /**
     * Stores the groups not stored yet, each with its members, in one transaction; a group already
     * stored (same id) is left as it is. Concurrent callers storing the same group wait on its key,
     * so a group is never seen without its members.
     */
    public Uni<Void> store(String tenant, QuestionVersion question, List<NewGroup> groups) {
        if (groups.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = groups.size();
        UUID[] ids = new UUID[n];
        String[] representatives = new String[n];
        Integer[] sizes = new Integer[n];
        String[] proposals = new String[n];
        for (int i = 0; i < n; i++) {
            NewGroup group = groups.get(i);
            ids[i] = group.id();
            representatives[i] = group.representative();
            sizes[i] = group.members().size();
            proposals[i] = group.proposedScore() == null ? null : group.proposedScore().toPlainString();
        }
        return pool.withTransaction(tx -> tx.preparedQuery(SqlQueries.INSERT_ANSWER_GROUPS)
                .execute(Tuple.from(Arrays.asList(tenant, question.questionId(), question.rubricId(), ids,
                        representatives, sizes, proposals)))
                .chain(inserted -> {
                    Set<UUID> fresh = new HashSet<>();
                    for (Row row : inserted) {
                        fresh.add(row.getUUID("id"));
                    }
                    return insertMembers(tx, groups, fresh);
                }));
    }

    private static Uni<Void> insertMembers(SqlConnection tx, List<NewGroup> groups, Set<UUID> fresh) {
        List<UUID> groupIds = new ArrayList<>();
        List<UUID> submissionIds = new ArrayList<>();
        for (NewGroup group : groups) {
            if (fresh.contains(group.id())) {
                for (UUID member : group.members()) {
                    groupIds.add(group.id());
                    submissionIds.add(member);
                }
            }
        }
        if (groupIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(SqlQueries.INSERT_ANSWER_GROUP_MEMBERS)
                .execute(Tuple.of(groupIds.toArray(new UUID[0]), submissionIds.toArray(new UUID[0])))
                .replaceWithVoid();
    }

    /** When each of these stored groups was first stored. */
    public Uni<Map<UUID, OffsetDateTime>> createdAt(String tenant, List<UUID> groupIds) {
        if (groupIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery(SqlQueries.ANSWER_GROUPS_CREATED)
                .execute(Tuple.of(tenant, groupIds.toArray(new UUID[0])))
                .map(rows -> {
                    Map<UUID, OffsetDateTime> created = new HashMap<>();
                    for (Row row : rows) {
                        created.put(row.getUUID("id"), row.getOffsetDateTime("created_at"));
                    }
                    return created;
                });
    }

    /** Null when the tenant has no such group. */
    public Uni<StoredGroup> find(String tenant, UUID groupId) {
        return pool.preparedQuery(SqlQueries.FIND_ANSWER_GROUP).execute(Tuple.of(tenant, groupId))
                .map(rows -> Rows.first(rows, row -> new StoredGroup(row.getUUID("id"), row.getUUID("question_id"),
                        row.getInteger("number"), row.getUUID("exam_id"), row.getUUID("rubric_id"), scale(row))));
    }

    /**
     * One teacher mark (source ANSWER_GROUP) for every member of the snapshot, under the group's
     * version; one statement, so all of them or none. Answers how many were stored.
     */
    public Uni<Integer> markMembers(String tenant, StoredGroup group, BigDecimal score, String markerId,
            String comment) {
        return pool.preparedQuery(SqlQueries.MARK_ANSWER_GROUP)
                .execute(Tuple.from(Arrays.asList(tenant, group.id(), score, markerId, comment)))
                .map(rows -> rows.rowCount());
    }

    /** The members' review items still waiting for a mark under the group's version, oldest first. */
    public Uni<List<OpenItem>> openReviewItems(String tenant, StoredGroup group) {
        return pool.preparedQuery(SqlQueries.ANSWER_GROUP_REVIEW_ITEMS).execute(Tuple.of(tenant, group.id()))
                .map(rows -> Rows.all(rows, row -> new OpenItem(row.getUUID("id"), row.getBoolean("blind"))));
    }

    private static ScoreScale scale(Row row) {
        return new ScoreScale(row.getBigDecimal("max_score"), row.getBigDecimal("score_step"));
    }
}
