package io.zhiyue.grading.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.GradingResult;
import io.zhiyue.grading.model.JobStatistics;
import io.zhiyue.grading.model.JobStatistics.QuestionStatistics;
import io.zhiyue.grading.model.JobStatistics.ScoreCount;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.repository.ListQuery;
import io.zhiyue.grading.repository.ResultRepository;
import io.zhiyue.grading.repository.ResultRepository.ExportRow;
import io.zhiyue.grading.repository.ResultRepository.ScoreBucket;
import io.zhiyue.shared.api.PageResponse;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Results of a job: pages, the CSV export and per-question statistics, all from final scores. */
@ApplicationScoped
public class ResultService {

    public static final String CSV_HEADER = "student_id,question_number,score,max_score,confidence,grader_id,review_status";
    /** Rows a cursor fetches per round trip, and rows per chunk of the response. */
    private static final int EXPORT_FETCH_ROWS = 1_000;
    private static final int EXPORT_CHUNK_ROWS = 500;

    private final JobRepository jobs;
    private final ResultRepository results;
    /** Rows sent by exports: an export its caller abandoned stops adding to it. */
    private final Counter exportedRows;

    public ResultService(JobRepository jobs, ResultRepository results, MeterRegistry registry) {
        this.jobs = jobs;
        this.results = results;
        this.exportedRows = Counter.builder("zhiyue.grading.export.rows").register(registry);
    }

    public Uni<PageResponse<GradingResult>> list(String tenant, UUID jobId, ListQuery query) {
        return requireJob(tenant, jobId).chain(() -> results.list(tenant, jobId, query));
    }

    /**
     * The CSV export as it is read from the database: the header, then chunks of rows. Nothing is
     * held whole; an unknown job fails before the first chunk (a 404 like any other).
     */
    public Multi<String> exportCsv(String tenant, UUID jobId) {
        return requireJob(tenant, jobId).onItem().transformToMulti(ignored -> Multi.createBy().concatenating()
                .streams(Multi.createFrom().item(CSV_HEADER + "\n"),
                        results.exportRows(tenant, jobId, EXPORT_FETCH_ROWS).group().intoLists().of(EXPORT_CHUNK_ROWS)
                                .invoke(rows -> exportedRows.increment(rows.size()))
                                .map(ResultService::csvLines)));
    }

    private static String csvLines(List<ExportRow> rows) {
        StringBuilder csv = new StringBuilder(64 * rows.size());
        for (ExportRow row : rows) {
            csv.append(csvField(row.studentId())).append(',')
                    .append(row.questionNumber()).append(',')
                    .append(row.score().toPlainString()).append(',')
                    .append(row.maxScore().toPlainString()).append(',')
                    .append(row.confidence() == null ? "" : row.confidence().toPlainString()).append(',')
                    .append(row.graderId() == null ? "" : csvField(row.graderId())).append(',')
                    .append(row.reviewStatus()).append('\n');
        }
        return csv.toString();
    }

    public Uni<JobStatistics> statistics(String tenant, UUID jobId) {
        return requireJob(tenant, jobId).chain(() -> results.distribution(tenant, jobId))
                .map(buckets -> new JobStatistics(jobId, summarise(buckets)));
    }

    /** Count, mean, population standard deviation, min, max and distribution from score buckets. */
    static List<QuestionStatistics> summarise(List<ScoreBucket> buckets) {
        Map<Integer, List<ScoreBucket>> byQuestion = new LinkedHashMap<>();
        for (ScoreBucket bucket : buckets) {
            byQuestion.computeIfAbsent(bucket.questionNumber(), n -> new ArrayList<>()).add(bucket);
        }
        List<QuestionStatistics> statistics = new ArrayList<>();
        for (Map.Entry<Integer, List<ScoreBucket>> entry : byQuestion.entrySet()) {
            List<ScoreBucket> list = entry.getValue();
            long count = 0;
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal min = null;
            BigDecimal max = null;
            List<ScoreCount> distribution = new ArrayList<>();
            for (ScoreBucket bucket : list) {
                count += bucket.count();
                sum = sum.add(bucket.score().multiply(BigDecimal.valueOf(bucket.count())));
                min = min == null || bucket.score().compareTo(min) < 0 ? bucket.score() : min;
                max = max == null || bucket.score().compareTo(max) > 0 ? bucket.score() : max;
                distribution.add(new ScoreCount(bucket.score(), bucket.count()));
            }
            BigDecimal n = BigDecimal.valueOf(count);
            BigDecimal mean = sum.divide(n, MathContext.DECIMAL64);
            BigDecimal squares = BigDecimal.ZERO;
            for (ScoreBucket bucket : list) {
                BigDecimal diff = bucket.score().subtract(mean);
                squares = squares.add(diff.multiply(diff).multiply(BigDecimal.valueOf(bucket.count())));
            }
            BigDecimal stdDev = squares.divide(n, MathContext.DECIMAL64).sqrt(MathContext.DECIMAL64);
            statistics.add(new QuestionStatistics(entry.getKey(), list.get(0).maxScore(), count,
                    mean.setScale(2, RoundingMode.HALF_UP), stdDev.setScale(2, RoundingMode.HALF_UP), min, max,
                    distribution));
        }
        return statistics;
    }

    private Uni<Void> requireJob(String tenant, UUID jobId) {
        return jobs.find(tenant, jobId)
                .onItem().ifNull().failWith(() -> ZhiyueException.notFound("grading job", jobId))
                .replaceWithVoid();
    }

    /** Quotes a field that holds a comma, quote or line break; neutralises spreadsheet formulas. */
    static String csvField(String value) {
        if (value == null) {
            return "";
        }
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
