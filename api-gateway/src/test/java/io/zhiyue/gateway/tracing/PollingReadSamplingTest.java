package io.zhiyue.gateway.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.semconv.UrlAttributes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectCacheStub;
import io.zhiyue.gateway.support.TracedProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway as deployed picks its sampler: with {@code trace-poll-ratio} 0 a dashboard's job-status
 * poll leaves no span here, while other requests, and a poll inside a caller's sampled trace, do; a client call
 * outside any trace starts none.
 */
@QuarkusTest
@TestProfile(TracedProfile.class)
class PollingReadSamplingTest {

    @InjectCacheStub
    GradingStub cache;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    Tracer tracer;

    @Test
    void aPollStartsNoTraceButAnythingElseAndAPollInACallersTraceDo() {
        String job = UUID.randomUUID().toString();
        cache.respond("GET", "/api/v1/jobs/" + job, 200, "application/json",
                "{\"id\":\"" + job + "\",\"state\":\"EXECUTING\",\"version\":2}");
        String trace = hex(16);

        given().when().get("/api/v1/grading-jobs/" + job).then().statusCode(200);
        given().when().get("/api/v1/grading-jobs/" + job + "/results").then().statusCode(200);
        given().header("traceparent", "00-" + trace + "-" + hex(8) + "-01")
                .when().get("/api/v1/grading-jobs/" + job).then().statusCode(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(serverSpans("/api/v1/grading-jobs/" + job + "/results")).hasSize(1);
            assertThat(serverSpans("/api/v1/grading-jobs/" + job)).singleElement()
                    .satisfies(span -> assertThat(span.getTraceId()).isEqualTo(trace));
        });
        // the untraced poll also left no span of its call to cache-service: only the caller's trace has one
        assertThat(spans.getFinishedSpanItems()).filteredOn(span -> span.getKind() == SpanKind.CLIENT
                && String.valueOf(span.getAttributes().get(UrlAttributes.URL_FULL)).contains("/api/v1/jobs/" + job))
                .isNotEmpty().allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(trace));
    }

    @Test
    void aClientCallOutsideAnyTraceStartsNone() {
        Span call = tracer.spanBuilder("evalsha").setSpanKind(SpanKind.CLIENT).setNoParent().startSpan();
        Span request = tracer.spanBuilder("GET /api/v1/exams").setSpanKind(SpanKind.SERVER).setNoParent().startSpan();
        try {
            assertThat(call.getSpanContext().isSampled()).isFalse();
            assertThat(request.getSpanContext().isSampled()).isTrue();
        } finally {
            call.end();
            request.end();
        }
    }

    private List<SpanData> serverSpans(String path) {
        return spans.getFinishedSpanItems().stream()
                .filter(span -> path.equals(span.getAttributes().get(UrlAttributes.URL_PATH))).toList();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1;
        return HexFormat.of().formatHex(random);
    }
}
