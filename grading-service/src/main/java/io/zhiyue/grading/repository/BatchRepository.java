package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.grader.GradeResult;
import io.zhiyue.grading.grader.GradingQuestion;
import io.zhiyue.grading.grader.Rubric;
import io.zhiyue.grading.marking.MarkingPolicy;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.model.Marking;
import io.zhiyue.grading.model.ReviewStatus;
import io.zhiyue.grading.model.TaskOutcome;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The grading hot path: one query loads a batch, one statement records its outcomes and moves the
 * job's counters (see {@link SqlQueries#RECORD_OUTCOMES}).
 */
@ApplicationScoped
public class BatchRepository {

    /**
     * A task to grade; {@code teacherScore}: the final teacher mark of its submission under the job's version;
     * {@code reuse}: whether its job reuses results of identical answers.
     */
    public record PendingTask(UUID submissionId, String studentId, int questionNumber, UUID questionId,
            String answer, UUID rubricId, MarkingPolicy.Frozen marking, BigDecimal teacherScore, boolean reuse) {
    }

    /**
     * What became of a task: a review status (null: grading failed) and the grader's proposal
     * behind it (null: none, the answer waits for people). {@code reused}: how the proposal came
     * when it was not graded afresh (null: graded); {@code reuseVersion}/{@code reuseKey}: its
     * result cache address (null: no part in reuse); {@code store}: graded afresh, to be written
     * back to the cache.
     */
    public record Outcome(PendingTask task, ReviewStatus review, GradeResult proposal, String reused,
            String reuseVersion, String reuseKey, boolean store) {

        public Outcome(PendingTask task, ReviewStatus review, GradeResult proposal) {
            this(task, review, proposal, null, null, null, false);
        }
    }

    /**
     * What one statement recorded: the job after it, and how many outcomes of each kind it counted ({@code
     * autoAccepted}: the AI proposals among {@code graded} that no person had to look at).
     */
    public record Recorded(GradingJob job, int graded, int failed, int pendingReview, int autoAccepted) {
    }

    /** The states in which a job's batches are graded: a paused job's are republished on resume. */
    private static final String[] GRADING = Rows.stateNames(JobState.matching(JobState::gradesBatches));
    /** The states in which a job still takes outcomes: a batch in flight when the job paused still counts. */
    private static final String[] OPEN = Rows.stateNames(JobState.matching(state -> !state.isFinal()));

    private final Pool pool;

    public BatchRepository(Pool pool) {
        this.pool = pool;
    }

    /** The batch's tasks without an outcome, while the job (of {@code tenant}) is being graded. */
    public Uni<List<PendingTask>> loadPending(String tenant, UUID jobId, int batchNo) {
        return pool.preparedQuery(SqlQueries.LOAD_BATCH).execute(Tuple.of(jobId, batchNo, tenant, GRADING))
                .map(rows -> Rows.all(rows, row -> new PendingTask(row.getUUID("submission_id"),
                        row.getString("student_id"), row.getInteger("question_number"), row.getUUID("question_id"),
                        row.getString("answer"), row.getUUID("rubric_id"), new MarkingPolicy.Frozen(
                                Marking.AI.equals(row.getString("marking_mode")), row.getBoolean("auto_accept"),
                                row.getBigDecimal("min_confidence"), row.getBoolean("double_marking"),
                                row.getInteger("rubric_points") > 0, row.getBigDecimal("max_score"),
                                row.getBigDecimal("audit_rate")), row.getBigDecimal("teacher_score"),
                        row.getBoolean("reuse_results"))));
    }

    public Uni<Map<UUID, GradingQuestion>> loadRubrics(Collection<UUID> rubricIds) {
        return pool.preparedQuery(SqlQueries.LOAD_RUBRICS).execute(Tuple.of((Object) rubricIds.toArray(new UUID[0])))
                .map(rows -> {
                    Map<UUID, GradingQuestion> questions = new HashMap<>();
                    for (Row row : rows) {
                        questions.put(row.getUUID("id"), new GradingQuestion(row.getBigDecimal("max_score"),
                                row.getBigDecimal("score_step"), JsonCodec.read(row.getString("content"), Rubric.class)));
                    }
                    return questions;
                });
    }

    /**
     * Records the outcome of every task of a batch that has none yet, and counts them on the job,
     * in one statement. Null when nothing was recorded: a redelivered batch, or a job that ended.
     */
    public Uni<Recorded> record(UUID jobId, String tenant, OffsetDateTime publishedAt,
            List<Outcome> outcomes) {
        int n = outcomes.size();
        UUID[] submissionIds = new UUID[n];
        String[] statuses = new String[n];
        String[] reviews = new String[n];
        String[] teacherScores = new String[n];
        UUID[] questionIds = new UUID[n];
        UUID[] rubricIds = new UUID[n];
        String[] students = new String[n];
        Integer[] numbers = new Integer[n];
        String[] scores = new String[n];
        String[] maxScores = new String[n];
        String[] confidences = new String[n];
        String[] points = new String[n];
        String[] graders = new String[n];
        String[] reused = new String[n];
        String[] reuseVersions = new String[n];
        String[] reuseKeys = new String[n];
        for (int i = 0; i < n; i++) {
            Outcome outcome = outcomes.get(i);
            PendingTask task = outcome.task();
            submissionIds[i] = task.submissionId();
            statuses[i] = (outcome.review() == null ? TaskOutcome.FAILED : TaskOutcome.DONE).name();
            if (outcome.review() == null) {
                continue;
            }
            reviews[i] = outcome.review().name();
            reused[i] = outcome.reused();
            reuseVersions[i] = outcome.reuseVersion();
            reuseKeys[i] = outcome.reuseKey();
            questionIds[i] = task.questionId();
            rubricIds[i] = task.rubricId();
            students[i] = task.studentId();
            numbers[i] = task.questionNumber();
            maxScores[i] = task.marking().maxScore().toPlainString();
            if (outcome.review() == ReviewStatus.HUMAN) {
                teacherScores[i] = task.teacherScore().toPlainString();
            }
            GradeResult proposal = outcome.proposal();
            if (proposal != null) {
                scores[i] = proposal.score().toPlainString();
                confidences[i] = proposal.confidence().toPlainString();
                points[i] = JsonCodec.write(proposal.points());
                graders[i] = proposal.graderId();
            }
        }
        List<Object> parameters = new ArrayList<>(Arrays.asList(jobId, OPEN, tenant, graders, publishedAt,
                submissionIds, statuses, questionIds, rubricIds, students, numbers, scores, maxScores, confidences,
                points, reviews, teacherScores, reused, reuseVersions, reuseKeys));
        // only a batch with answers for people (or drawn for the audit sample) pays for the review queue's insert
        List<UUID> audited = audited(outcomes);
        boolean queue = !audited.isEmpty()
                || outcomes.stream().anyMatch(outcome -> outcome.review() == ReviewStatus.NEEDS_REVIEW);
        if (queue) {
            parameters.add(audited.toArray(new UUID[0]));
        }
        return pool.preparedQuery(queue ? SqlQueries.RECORD_OUTCOMES_AND_QUEUE : SqlQueries.RECORD_OUTCOMES)
                .execute(Tuple.from(parameters))
                .map(rows -> Rows.first(rows, BatchRepository::recorded));
    }

    /** The AUTO_ACCEPTED answers of ai-mode questions drawn for the blind audit. */
    private static List<UUID> audited(List<Outcome> outcomes) {
        List<UUID> audited = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            MarkingPolicy.Frozen marking = outcome.task().marking();
            if (outcome.review() == ReviewStatus.AUTO_ACCEPTED && marking.ai()
                    && MarkingPolicy.drawnForAudit(outcome.task().submissionId(), marking.auditRate())) {
                audited.add(outcome.task().submissionId());
            }
        }
        return audited;
    }

    /** Gives up on a batch that keeps failing: its tasks without an outcome fail, so the job can finish. */
    public Uni<Recorded> failBatch(UUID jobId, int batchNo) {
        return pool.preparedQuery(SqlQueries.FAIL_BATCH).execute(Tuple.of(jobId, OPEN, batchNo))
                .map(rows -> Rows.first(rows, BatchRepository::recorded));
    }

    private static Recorded recorded(Row row) {
        return new Recorded(Rows.job(row), row.getInteger("graded_now"), row.getInteger("failed_now"),
                row.getInteger("review_now"), row.getInteger("accepted_now"));
    }
}
