package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.grader.PointDecision;
import io.zhiyue.grading.grader.Rubric;
import io.zhiyue.grading.llm.LlmQuestion;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.shared.json.JsonCodec;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the LLM grader reads and writes: question versions, a job's token spending, the audit records. */
@ApplicationScoped
public class LlmRepository {

    /** One prompt and its response as the audit keeps them; {@code prompt} is the messages as JSON. */
    public record AuditRecord(String tenant, UUID jobId, UUID submissionId, String purpose, String provider,
            String model, String prompt, String response, String outcome, int tokensIn, int tokensOut) {
    }

    /** A submission's answer with the version it was last graded under and the proposal to explain. */
    public record Explained(UUID jobId, String answer, LlmQuestion question, BigDecimal proposedScore,
            List<PointDecision> points) {
    }

    private static final String QUESTIONS = """
            SELECT r.id, q.prompt, q.reference_answer, q.max_score, q.score_step, r.content::text AS content
            FROM rubrics r JOIN questions q ON q.id = r.question_id WHERE r.id = ANY($1::uuid[])""";
    private static final String TOKENS = """
            SELECT llm_token_budget, llm_tokens_in, llm_tokens_out FROM grading_jobs WHERE id = $1""";
    private static final String AUDIT_COLUMNS = """
            INSERT INTO llm_audit (id, tenant_id, job_id, submission_id, purpose, provider, model, prompt, response,
                                   outcome, tokens_in, tokens_out)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9, $10, $11, $12)""";
    private static final String AUDIT = AUDIT_COLUMNS;
    /** One call's audit record and its tokens on the job, in one statement; answers the job's spending after it. */
    private static final String RECORD_CALL = "WITH audited AS (" + AUDIT_COLUMNS + """
            ) UPDATE grading_jobs SET llm_tokens_in = llm_tokens_in + $11, llm_tokens_out = llm_tokens_out + $12
            WHERE id = $3 RETURNING llm_token_budget, llm_tokens_in, llm_tokens_out""";
    /** In slices, so a long backlog never holds one long transaction. */
    private static final String SWEEP = """
            DELETE FROM llm_audit WHERE id IN (SELECT id FROM llm_audit WHERE created_at < now() - make_interval(secs => $1)
                                              LIMIT 5000 FOR UPDATE SKIP LOCKED)""";
    /** The latest graded outcome of the submission, found through its exam's jobs (each a primary-key probe). */
    private static final String EXPLAINED = """
            SELECT s.answer, q.prompt, q.reference_answer, q.max_score, q.score_step, rb.id, rb.content::text AS content,
                   r.job_id, coalesce(r.score, r.final_score) AS proposed, r.points::text AS points
            FROM submissions s
            JOIN questions q ON q.id = s.question_id
            JOIN LATERAL (SELECT res.job_id, res.rubric_id, res.score, res.final_score, res.points FROM grading_jobs j
                          JOIN results res ON res.job_id = j.id AND res.submission_id = s.id AND res.status = 'DONE'
                          WHERE j.tenant_id = s.tenant_id AND j.exam_id = s.exam_id
                          ORDER BY res.finished_at DESC LIMIT 1) r ON true
            JOIN rubrics rb ON rb.id = r.rubric_id
            WHERE s.tenant_id = $1 AND s.id = $2""";

    private static final String NUL_ESCAPE = "\\" + "u0000";

    private final Pool pool;

    public LlmRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Map<UUID, LlmQuestion>> questions(Collection<UUID> rubricIds) {
        return pool.preparedQuery(QUESTIONS).execute(Tuple.of((Object) rubricIds.toArray(new UUID[0]))).map(rows -> {
            Map<UUID, LlmQuestion> questions = new HashMap<>();
            for (Row row : rows) {
                questions.put(row.getUUID("id"), question(row));
            }
            return questions;
        });
    }

    /** The job's budget and spending (null: no such job). */
    public Uni<GradingJob.Llm> tokens(UUID jobId) {
        return pool.preparedQuery(TOKENS).execute(Tuple.of(jobId)).map(rows -> rows.size() == 0 ? null
                : spending(rows.iterator().next()));
    }

    /**
     * Stores one grading call's audit record and adds its tokens to its job, in one statement;
     * answers the job's spending after them.
     */
    public Uni<GradingJob.Llm> recordCall(AuditRecord record) {
        return pool.preparedQuery(RECORD_CALL).execute(tuple(record)).map(rows -> rows.size() == 0 ? null
                : spending(rows.iterator().next()));
    }

    public Uni<Void> audit(AuditRecord record) {
        return pool.preparedQuery(AUDIT).execute(tuple(record)).replaceWithVoid();
    }

    private static Tuple tuple(AuditRecord record) {
        return Tuple.from(new Object[] {UUID.randomUUID(), record.tenant(), record.jobId(), record.submissionId(),
                record.purpose(), record.provider(), record.model(), storable(record.prompt()),
                storable(record.response()), storable(record.outcome()), record.tokensIn(), record.tokensOut()});
    }

    /**
     * PostgreSQL text holds no NUL character and jsonb no escaped one, and a reply may contain
     * either (an answer with one is quoted in the prompt's JSON as a six-character escape).
     */
    private static String storable(String text) {
        return text == null ? null : text.replace("\0", "").replace(NUL_ESCAPE, "");
    }

    /** Deletes a slice of the audit records older than {@code retention}; answers how many went. */
    public Uni<Integer> sweep(Duration retention) {
        return pool.preparedQuery(SWEEP).execute(Tuple.of((double) retention.toSeconds())).map(rows -> rows.rowCount());
    }

    /** The submission's latest graded outcome with its answer and question version; null when it has none. */
    public Uni<Explained> explained(String tenant, UUID submissionId) {
        return pool.preparedQuery(EXPLAINED).execute(Tuple.of(tenant, submissionId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new Explained(row.getUUID("job_id"), row.getString("answer"), question(row),
                    row.getBigDecimal("proposed"), List.of(JsonCodec.read(row.getString("points"), PointDecision[].class)));
        });
    }

    private static LlmQuestion question(Row row) {
        return new LlmQuestion(row.getUUID("id"), row.getString("prompt"), row.getString("reference_answer"),
                row.getBigDecimal("max_score"), row.getBigDecimal("score_step"),
                JsonCodec.read(row.getString("content"), Rubric.class));
    }

    private static GradingJob.Llm spending(Row row) {
        return new GradingJob.Llm(row.getLong("llm_token_budget"), row.getLong("llm_tokens_in"),
                row.getLong("llm_tokens_out"));
    }
}
