package io.zhiyue.e2e;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The metric names read from PromQL, and the check of them against what services expose. */
class PromQlNamesTest {

    @Test
    void aSelectorWithMatchersAndARangeIsItsMetricName() {
        assertThat(PromQlNames.of("rate(zhiyue_stream_consumer_dead_lettered_total{stream=\"zhiyue:events\"}[5m])"))
                .containsExactly("zhiyue_stream_consumer_dead_lettered_total");
    }

    @Test
    void functionsAggregationsLabelListsAndKeywordsAreNoNames() {
        String expr = """
                histogram_quantile(0.99, sum by (le, uri) (rate(http_server_requests_seconds_bucket[$__rate_interval])))
                  > on (job) group_left (instance) max without (pod) (zhiyue_cache_degraded offset 1h) * 1e3
                  and bool ignoring(le) sum(zhiyue_outbox_backlog) by (job) unless vector(0) or -Inf < NaN""";
        assertThat(PromQlNames.of(expr)).containsExactlyInAnyOrder("http_server_requests_seconds_bucket",
                "zhiyue_cache_degraded", "zhiyue_outbox_backlog");
    }

    @Test
    void stringsCommentsDurationsAndVariablesHoldNoNames() {
        String expr = """
                # the share of adjacent checks, by question
                label_replace(sum(increase(zhiyue_grading_quality_checks_total{agreement=~"adj.*",
                  exam!="a{b}"}[$__range] offset 5m30s)), "question_name", "$1", "question", "(looks_like_a_metric).*")
                  / count_over_time(zhiyue_grading_jobs[1h:5m]) * 0x1F""";
        assertThat(PromQlNames.of(expr)).containsExactlyInAnyOrder("zhiyue_grading_quality_checks_total",
                "zhiyue_grading_jobs");
    }

    @Test
    void aMetricNobodyExportsIsReportedWithWhereItIsRead() {
        String exposition = """
                # HELP zhiyue_gateway_live_refused_total live connections refused
                # TYPE zhiyue_gateway_live_refused_total counter
                zhiyue_gateway_live_refused_total 0.0
                http_server_requests_seconds_bucket{method="GET",uri="/api/v1/exams",le="0.005"} 3
                jvm_threads_live_threads 42
                """;
        Set<String> exported = MonitoringQueries.exposed(exposition);
        assertThat(exported).containsExactlyInAnyOrder("zhiyue_gateway_live_refused_total",
                "http_server_requests_seconds_bucket", "jvm_threads_live_threads");

        List<MonitoringQueries.Query> queries = List.of(
                new MonitoringQueries.Query("rules.yml alert Real",
                        "increase(zhiyue_gateway_live_refused_total[5m]) > 0"),
                new MonitoringQueries.Query("rules.yml alert MadeUp",
                        "rate(zhiyue_made_up_total[5m]) > 0 and on (job) jvm_threads_live_threads > 10"),
                new MonitoringQueries.Query("dashboard panel 'Latency'", "histogram_quantile(0.5, sum by (le) "
                        + "(rate(http_server_requests_seconds_bucket[5m])))"));
        assertThat(MonitoringQueries.missing(queries, exported))
                .containsOnlyKeys("zhiyue_made_up_total")
                .containsEntry("zhiyue_made_up_total", Set.of("rules.yml alert MadeUp"));
        // the bare histogram name is no exported series: only its _bucket, _count and _sum are
        assertThat(MonitoringQueries.missing(List.of(new MonitoringQueries.Query("x", "http_server_requests_seconds")),
                exported)).containsOnlyKeys("http_server_requests_seconds");
    }
}
