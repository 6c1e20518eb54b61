package io.zhiyue.tracing;

import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static io.restassured.RestAssured.given;
import static io.zhiyue.tracing.OtlpSpans.request;
import static io.zhiyue.tracing.OtlpSpans.service;
import static io.zhiyue.tracing.OtlpSpans.span;
import static io.zhiyue.tracing.OtlpSpans.spanId;
import static io.zhiyue.tracing.OtlpSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

/**
 * The OTLP/HTTP receiver as exporters meet it (protobuf and JSON bodies, built with the published proto classes),
 * its answers in the request's encoding, and the trace queries over what it stored.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class OtlpReceiverTest {

    private static final String PROTOBUF = "application/x-protobuf";

    @Inject
    Pool pool;
    @Inject
    io.zhiyue.tracing.store.SpanStore store;

    @Test
    void aProtobufExportIsStoredAndReadBackAsOneTreeAcrossServices() throws Exception {
        String trace = traceId();
        String root = spanId();
        String child = spanId();
        String grandchild = spanId();
        byte[] body = request(
                service("api-gateway", List.of(span(trace, root, null, "POST /api/v1/grading-jobs/{id}/start",
                        SpanKind.SPAN_KIND_SERVER, 0, 40, false))),
                service("grading-service", List.of(
                        span(trace, child, root, "POST /api/v1/grading-jobs/{id}/start", SpanKind.SPAN_KIND_SERVER, 5,
                                30, false),
                        span(trace, grandchild, child, "zhiyue:tasks process", SpanKind.SPAN_KIND_CONSUMER, 10, 20,
                                true)))).toByteArray();
        Response response = given().contentType(PROTOBUF).body(body).when().post("/v1/traces");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.contentType()).startsWith(PROTOBUF);
        assertThat(ExportTraceServiceResponse.parseFrom(response.asByteArray()).hasPartialSuccess()).isFalse();

        awaitSpans(trace, 3);
        given().when().get("/api/v1/traces/" + trace).then().statusCode(200)
                .body("traceId", equalTo(trace)).body("spanCount", equalTo(3)).body("error", equalTo(true))
                .body("services", equalTo(List.of("api-gateway", "grading-service")))
                .body("spans", hasSize(1))
                .body("spans[0].spanId", equalTo(root)).body("spans[0].service", equalTo("api-gateway"))
                .body("spans[0].kind", equalTo("SERVER"))
                .body("spans[0].attributes.'http.route'", equalTo("/api/v1/exams"))
                .body("spans[0].attributes.retries", equalTo(2))
                .body("spans[0].children[0].spanId", equalTo(child))
                .body("spans[0].children[0].service", equalTo("grading-service"))
                .body("spans[0].children[0].children[0].spanId", equalTo(grandchild))
                .body("spans[0].children[0].children[0].kind", equalTo("CONSUMER"))
                .body("spans[0].children[0].children[0].status", equalTo("ERROR"))
                .body("spans[0].children[0].children[0].statusMessage", equalTo("boom"))
                .body("spans[0].children[0].children[0].durationMs", equalTo(20.0f));
        // the same export again (an exporter's retry) stores nothing twice, and is no second slow span
        given().contentType(PROTOBUF).body(body).when().post("/v1/traces").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.pending() == 0);
        awaitSpans(trace, 3);
    }

    @Test
    void aJsonExportWithHexIdsIsAnsweredInJsonAndInvalidSpansArePartiallyRejected() throws Exception {
        String trace = traceId();
        String root = spanId();
        String child = spanId();
        String good = JsonFormat.printer().print(request(service("cache-service", List.of(
                span(trace, root, null, "GET /api/v1/jobs/{id}", SpanKind.SPAN_KIND_SERVER, 0, 8, false),
                span(trace, child, root, "redis GET", SpanKind.SPAN_KIND_CLIENT, 1, 2, false)))));
        // protobuf's JSON mapping writes ids in base64: OTLP/JSON has them in hex
        String json = good.replace(base64(trace), trace).replace(base64(root), root).replace(base64(child), child);
        Response response = given().contentType("application/json").body(json).when().post("/v1/traces");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.asString()).isEqualTo("{}");
        awaitSpans(trace, 2);
        given().when().get("/api/v1/traces/" + trace).then().statusCode(200)
                .body("spans[0].spanId", equalTo(root)).body("spans[0].children[0].spanId", equalTo(child))
                .body("spans[0].children[0].kind", equalTo("CLIENT"));

        // a span whose trace id is 8 bytes is rejected, its neighbour kept
        String other = traceId();
        String kept = spanId();
        String partial = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"saga-service"}}]},
                  "scopeSpans":[{"spans":[
                    {"traceId":"%s","spanId":"%s","name":"kept","kind":1,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000100000000"},
                    {"traceId":"0102030405060708","spanId":"%s","name":"short id","startTimeUnixNano":"1700000000000000000"}]}]}]}"""
                .formatted(other, kept, spanId());
        given().contentType("application/json").body(partial).when().post("/v1/traces").then().statusCode(200)
                .body("partialSuccess.rejectedSpans", equalTo("1"))
                .body("partialSuccess.errorMessage", startsWith("a span has no valid traceId"));
        awaitSpans(other, 1);
    }

    @Test
    void aGzipBodyIsInflatedFirst() throws Exception {
        String trace = traceId();
        byte[] body = request(service("checkpoint-service", List.of(span(trace, spanId(), null, "PUT checkpoint",
                SpanKind.SPAN_KIND_SERVER, 0, 3, false)))).toByteArray();
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(body);
        }
        given().contentType(PROTOBUF).header("Content-Encoding", "gzip").body(zipped.toByteArray()).when()
                .post("/v1/traces").then().statusCode(200);
        awaitSpans(trace, 1);
    }

    @Test
    void badBodiesAreAnsweredWithAStatusInTheRequestsEncoding() throws Exception {
        // truncated protobuf
        byte[] whole = request(service("x", List.of(span(traceId(), spanId(), null, "n", SpanKind.SPAN_KIND_SERVER, 0,
                1, false)))).toByteArray();
        Response truncated = given().contentType(PROTOBUF).body(java.util.Arrays.copyOf(whole, whole.length - 7))
                .when().post("/v1/traces");
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(truncated.contentType()).startsWith(PROTOBUF);
        Status status = Status.parseFrom(truncated.asByteArray());
        assertThat(status.getCode()).isEqualTo(3);
        assertThat(status.getMessage()).contains("ExportTraceServiceRequest");

        given().contentType("application/json").body("{\"resourceSpans\": [").when().post("/v1/traces").then()
                .statusCode(400).contentType(startsWith("application/json")).body("code", equalTo(3));
        given().contentType("application/json").body("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
                + "\"zz\"}]}]}]}").when().post("/v1/traces").then().statusCode(400).body("message",
                        startsWith("traceId"));
        given().contentType("text/plain").body("hello").when().post("/v1/traces").then().statusCode(415)
                .body("code", equalTo(12));
        // over the body limit (1 MB in tests): 413, declared or not
        byte[] huge = new byte[1_200_000];
        Response tooLarge = given().contentType(PROTOBUF).body(huge).when().post("/v1/traces");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(Status.parseFrom(tooLarge.asByteArray()).getCode()).isEqualTo(8);
    }

    @Test
    void tracesAreListedNewestFirstWithFiltersAndACursor() throws Exception {
        String marker = "list-" + spanId();
        List<String> traces = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String trace = traceId();
            traces.add(trace);
            String root = spanId();
            given().contentType(PROTOBUF).body(request(service(marker, List.of(
                    span(trace, root, null, "GET /thing", SpanKind.SPAN_KIND_SERVER, i * 10, 100 + i * 100, i == 2),
                    span(trace, spanId(), root, "SELECT", SpanKind.SPAN_KIND_CLIENT, i * 10 + 1, 5, false))))
                    .toByteArray()).when().post("/v1/traces").then().statusCode(200);
            awaitSpans(trace, 2);
        }
        given().queryParam("filter[service]", marker).queryParam("page_size", 2).when().get("/api/v1/traces").then()
                .statusCode(200).body("total", equalTo(3)).body("items", hasSize(2))
                .body("items[0].traceId", equalTo(traces.get(2))).body("items[0].rootName", equalTo("GET /thing"))
                .body("items[0].rootService", equalTo(marker)).body("items[0].spanCount", equalTo(2))
                .body("items[0].error", equalTo(true)).body("items[1].traceId", equalTo(traces.get(1)));
        String cursor = given().queryParam("filter[service]", marker).queryParam("page_size", 2).when()
                .get("/api/v1/traces").then().extract().path("nextCursor");
        given().queryParam("filter[service]", marker).queryParam("page_size", 2).queryParam("cursor", cursor).when()
                .get("/api/v1/traces").then().statusCode(200).body("items", hasSize(1))
                .body("items[0].traceId", equalTo(traces.get(0))).body("nextCursor", equalTo(null));
        given().queryParam("filter[service]", marker).queryParam("min_duration_ms", 250).when().get("/api/v1/traces")
                .then().statusCode(200).body("total", equalTo(1)).body("items[0].traceId", equalTo(traces.get(2)));
        given().queryParam("filter[service]", marker).queryParam("filter[operation]", "SELECT").when()
                .get("/api/v1/traces").then().statusCode(200).body("total", equalTo(3));
        // bad parameters and unknown traces answer problem+json
        given().queryParam("filter[colour]", "red").queryParam("from", "yesterday").queryParam("cursor", "nope")
                .when().get("/api/v1/traces").then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("code", equalTo("VALIDATION_ERROR"))
                .body("errors.field", org.hamcrest.Matchers.hasItems("filter[colour]", "from", "cursor"));
        given().when().get("/api/v1/traces/" + traceId()).then().statusCode(404).body("code",
                equalTo("RECORD_NOT_FOUND"));
        given().when().get("/api/v1/traces/not-a-trace").then().statusCode(404);
    }

    @Test
    void aSpanOverItsThresholdRaisesOneSlowSpanEventPerOperationAndInterval() throws Exception {
        String service = "slow-" + spanId();
        String first = traceId();
        String second = traceId();
        given().contentType(PROTOBUF).body(request(service(service, List.of(
                span(first, spanId(), null, "GET /slow", SpanKind.SPAN_KIND_SERVER, 0, 900, false),
                span(first, spanId(), null, "GET /fast", SpanKind.SPAN_KIND_SERVER, 0, 100, false)))).toByteArray())
                .when().post("/v1/traces").then().statusCode(200);
        awaitSpans(first, 2);
        given().contentType(PROTOBUF).body(request(service(service, List.of(
                span(second, spanId(), null, "GET /slow", SpanKind.SPAN_KIND_SERVER, 0, 700, false)))).toByteArray())
                .when().post("/v1/traces").then().statusCode(200);
        awaitSpans(second, 1);
        List<String> alerts = pool.preparedQuery("SELECT payload FROM outbox WHERE type = 'SLOW_SPAN' "
                + "AND payload LIKE '%' || $1 || '%'").execute(Tuple.of(service)).await().atMost(Duration.ofSeconds(5))
                .stream().map(row -> row.getString(0)).toList();
        assertThat(alerts).hasSize(1);
        com.fasterxml.jackson.databind.JsonNode alert = io.zhiyue.shared.json.JsonCodec.read(alerts.getFirst(),
                com.fasterxml.jackson.databind.JsonNode.class);
        assertThat(alert.path("traceId").asText()).isEqualTo(first);
        assertThat(alert.path("operation").asText()).isEqualTo("GET /slow");
        assertThat(alert.path("thresholdMs").asLong()).isEqualTo(500);
        assertThat(alert.path("durationMs").asDouble()).isEqualTo(900.0);
        assertThat(pool.preparedQuery("SELECT tenant_id FROM outbox WHERE type = 'SLOW_SPAN' AND payload LIKE "
                + "'%' || $1 || '%'").execute(Tuple.of(service)).await().atMost(Duration.ofSeconds(5)).iterator().next()
                .getString(0)).isEqualTo("_platform");
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("zhiyue_tracing_slow_spans_total{service=\"" + service + "\"} 2.0");
    }

    @Test
    void aFullQueueIsA503WithRetryAfterAndNothingAcceptedIsLost() throws Exception {
        String trace = traceId();
        io.vertx.mutiny.sqlclient.SqlConnection connection = pool.getConnection().await().atMost(Duration.ofSeconds(5));
        io.vertx.mutiny.sqlclient.Transaction lock = connection.begin().await().atMost(Duration.ofSeconds(5));
        try {
            // the writer waits on the table: what is accepted stays queued (50 spans in tests)
            connection.query("LOCK TABLE spans IN ACCESS EXCLUSIVE MODE").execute().await()
                    .atMost(Duration.ofSeconds(5));
            given().contentType(PROTOBUF).body(spans(trace, 30)).when().post("/v1/traces").then().statusCode(200);
            Response full = given().contentType(PROTOBUF).body(spans(trace, 30)).when().post("/v1/traces");
            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.header("Retry-After")).isEqualTo("1");
            assertThat(Status.parseFrom(full.asByteArray()).getCode()).isEqualTo(14);
            // more than the queue ever holds is no case for retrying
            Response never = given().contentType(PROTOBUF).body(spans(trace, 51)).when().post("/v1/traces");
            assertThat(never.statusCode()).isEqualTo(413);
        } finally {
            lock.rollback().await().atMost(Duration.ofSeconds(5));
            connection.close().await().atMost(Duration.ofSeconds(5));
        }
        awaitSpans(trace, 30);
    }

    private static byte[] spans(String trace, int count) {
        List<io.opentelemetry.proto.trace.v1.Span> spans = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            spans.add(span(trace, spanId(), null, "op " + i, SpanKind.SPAN_KIND_INTERNAL, i, 1, false));
        }
        return request(service("queue-test", spans)).toByteArray();
    }

    private void awaitSpans(String trace, int count) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pool
                .preparedQuery("SELECT count(*) FROM spans WHERE trace_id = $1").execute(Tuple.of(trace)).await()
                .atMost(Duration.ofSeconds(5)).iterator().next().getLong(0)).isEqualTo(count));
    }

    private static String base64(String hex) {
        return java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(hex));
    }

}
