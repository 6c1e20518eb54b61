package io.zhiyue.grading.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
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
    public record Explained(UUID jobId, String answer, LlmQuestion question, BigDecimal proposedScore) {
    }

    private static final String QUESTIONS = """
            SELECT r.id, q.prompt, q.reference_answer, q.max_score, q.score_step, r.content::text AS content
            FROM rubrics r JOIN questions q ON q.id = r.question_id WHERE r.id = ANY($1::uuid[])""";
    private static final String TOKENS = """
            SELECT llm_token_budget, llm_tokens_in, llm_tokens_out FROM grading_jobs WHERE id = $1""";
    private static final String SPEND = """
            UPDATE grading_jobs SET llm_tokens_in = llm_tokens_in + $2, llm_tokens_out = llm_tokens_out + $3
            WHERE id = $1 RETURNING llm_token_budget, llm_tokens_in, llm_tokens_out""";
    private static final String AUDIT = """
            INSERT INTO llm_audit (id, tenant_id, job_id, submission_id, purpose, provider, model, prompt, response,
                                   outcome, tokens_in, tokens_out)
            SELECT id, tenant, job, submission, purpose, provider, model, prompt::jsonb, response, outcome, t_in, t_out
            FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                        $9::text[], $10::text[], $11::int[], $12::int[])
                 AS a(id, tenant, job, submission, purpose, provider, model, prompt, response, outcome, t_in, t_out)""";
    /** In slices, so a long backlog never holds one long transaction. */
    private static final String SWEEP = """
            DELETE FROM llm_audit WHERE id IN (SELECT id FROM llm_audit
                                              WHERE created_at < now() - make_interval(secs => $1) LIMIT 5000)""";
    /** The latest graded outcome of the submission, found through its exam's jobs (each a primary-key probe). */
    private static final String EXPLAINED = """
            SELECT s.answer, q.prompt, q.reference_answer, q.max_score, q.score_step, rb.id, rb.content::text AS content,
                   r.job_id, coalesce(r.score, r.final_score) AS proposed
            FROM submissions s
            JOIN questions q ON q.id = s.question_id
            JOIN LATERAL (SELECT res.job_id, res.rubric_id, res.score, res.final_score FROM grading_jobs j
                          JOIN results res ON res.job_id = j.id AND res.submission_id = s.id AND res.status = 'DONE'
                          WHERE j.exam_id = s.exam_id ORDER BY res.finished_at DESC LIMIT 1) r ON true
            JOIN rubrics rb ON rb.id = r.rubric_id
            WHERE s.tenant_id = $1 AND s.id = $2""";

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

    /** Adds one call's tokens to the job; answers its spending after them. */
    public Uni<GradingJob.Llm> spend(UUID jobId, int tokensIn, int tokensOut) {
        return pool.preparedQuery(SPEND).execute(Tuple.of(jobId, tokensIn, tokensOut)).map(rows -> rows.size() == 0
                ? null : spending(rows.iterator().next()));
    }

    public Uni<Void> audit(List<AuditRecord> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = records.size();
        UUID[] ids = new UUID[n];
        String[] tenants = new String[n];
        UUID[] jobs = new UUID[n];
        UUID[] submissions = new UUID[n];
        String[] purposes = new String[n];
        String[] providers = new String[n];
        String[] models = new String[n];
        String[] prompts = new String[n];
        String[] responses = new String[n];
        String[] outcomes = new String[n];
        Integer[] in = new Integer[n];
        Integer[] out = new Integer[n];
        for (int i = 0; i < n; i++) {
            AuditRecord record = records.get(i);
            ids[i] = UUID.randomUUID();
            tenants[i] = record.tenant();
            jobs[i] = record.jobId();
            submissions[i] = record.submissionId();
            purposes[i] = record.purpose();
            providers[i] = record.provider();
            models[i] = record.model();
            prompts[i] = record.prompt();
            responses[i] = record.response();
            outcomes[i] = record.outcome();
            in[i] = record.tokensIn();
            out[i] = record.tokensOut();
        }
        return pool.preparedQuery(AUDIT).execute(Tuple.from(new Object[] {ids, tenants, jobs, submissions, purposes,
                providers, models, prompts, responses, outcomes, in, out})).replaceWithVoid();
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
                    row.getBigDecimal("proposed"));
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
