package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The public REST API of the gateway ({@code /api/v1}), as a teacher's script would call it. */
public final class GatewayClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    /** The tenant a service called directly is sent (services refuse a request without one); null for the gateway. */
    private final String tenant;
    /** The bearer token the gateway is called with; null for a service called directly. */
    private final String token;
    private final HttpClient http;
    private final ObjectMapper mapper = JsonCodec.mapper();
    /** The newest version of each job this client wrote: its reads ask for at least that (read your writes). */
    private final Map<String, Long> jobVersions = new ConcurrentHashMap<>();

    /** The gateway as the local demo teacher ({@link LocalIdentity#staff()}); @param gateway e.g. {@code http://localhost:8080} */
    public GatewayClient(URI gateway) {
        this(gateway, null, LocalIdentity.staff());
    }

    private GatewayClient(URI base, String tenant, String token) {
        this.base = URI.create(stripSlash(base.toString()) + "/");
        this.tenant = tenant;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * The same API on a service called directly (same /api/v1 paths), as the gateway calls it: with the default
     * tenant, since services refuse a request without one.
     */
    public static GatewayClient direct(URI service) {
        return new GatewayClient(service, TenantHeaders.DEFAULT_TENANT, null);
    }

    /** The same gateway as another person of the default school, e.g. a marker: {@code as("m1", "marker")}. */
    public GatewayClient as(String subject, String... roles) {
        return withToken(LocalIdentity.token(subject, java.util.Set.of(roles)));
    }

    /** The same gateway with another bearer token (of any school). */
    public GatewayClient withToken(String bearer) {
        return new GatewayClient(base, null, bearer);
    }

    /** {@code request} with this client's credentials: its bearer token, or the tenant of a direct call. */
    public HttpRequest.Builder authorize(HttpRequest.Builder request) {
        if (token != null) {
            return request.header("Authorization", "Bearer " + token);
        }
        return tenant == null ? request : request.header(TenantHeaders.TENANT, tenant);
    }

    /**
     * The W3C trace context of a call the gateway makes for a request its sampler did not pick (all but a share of
     * job-status polls): benches that stand in for the gateway send it, so the service they measure traces as it
     * would behind the gateway and the tracing pipeline does not share the cores for spans no deployment records.
     */
    public static final String UNSAMPLED_TRACEPARENT = "00-" + "5a".repeat(16) + "-" + "6b".repeat(8) + "-00";

    /** A request straight to a service's /api/v1, with the tenant the gateway would pass. */
    public static HttpRequest.Builder directRequest(URI serviceUri) {
        return HttpRequest.newBuilder(serviceUri).header(TenantHeaders.TENANT, TenantHeaders.DEFAULT_TENANT);
    }

    public URI base() {
        return base;
    }

    /** The live channel's address without credentials, for people to read. */
    public URI liveChannelAddress() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "ws");
    }

    /** The WebSocket address of the live channel on the same gateway. */
    public URI liveChannel() {
        // a WebSocket client cannot always set headers: the token rides as access_token
        return URI.create(base.toString().replaceFirst("^http", "ws") + "ws"
                + (token == null ? "" : "?access_token=" + token));
    }

    /** True when {@code /q/health/ready} answers 200; false when it answers otherwise or not at all. */
    public boolean isReady() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(base.resolve("q/health/ready")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String createExam(String title, String subject) {
        JsonNode exam = sendJson("POST", "exams", Map.of("title", title, "subject", subject), 201);
        return exam.path("id").asText();
    }

    public JsonNode addQuestion(String examId, Question question) {
        return sendJson("POST", "exams/" + examId + "/questions", question, 201);
    }

    public UploadReport uploadCsv(String examId, String csv) {
        return postCsv("exams/" + examId + "/submissions", csv);
    }

    /** Teacher marks as CSV {@code student_id,question_number,score,marker_id}. */
    public UploadReport uploadMarksCsv(String examId, String csv) {
        return postCsv("exams/" + examId + "/marks", csv);
    }

    private UploadReport postCsv(String path, String csv) {
        HttpRequest request = request(path)
                .header("Content-Type", "text/csv; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(csv, StandardCharsets.UTF_8))
                .build();
        return read(send(request, 200), UploadReport.class);
    }

    /** The next item of the marker's queue, leased to them; empty when their queue is empty (204). */
    public Optional<JsonNode> nextReviewItem(String examId, String markerId) {
        try {
            // through the gateway the marker is whoever the token names: the marker signs in as themselves
            GatewayClient marker = token != null ? as(markerId, "marker") : this;
            return Optional.of(marker.postJson("exams/" + examId + "/review-items/next", Map.of("markerId", markerId), 200));
        } catch (GatewayException e) {
            if (e.status() == 204) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Job createJob(String examId) {
        return createJob(examId, Map.of());
    }

    /** A job with settings ({@code llmTokenBudget}, {@code reuseResults}). */
    public Job createJob(String examId, Map<String, Object> settings) {
        return wrote(read(sendJson("POST", "exams/" + examId + "/grading-jobs", settings, 201), Job.class));
    }

    public Job startJob(String jobId) {
        return wrote(read(sendJson("POST", "grading-jobs/" + jobId + "/start", Map.of(), 200), Job.class));
    }

    /**
     * The job, never older than what this client last wrote of it: the gateway may answer from
     * cache-service's read model, and {@code minVersion} makes it wait for (or go around) a read
     * model that is behind. (Versions of reads are not asked for again: a write between two events,
     * such as a throttled progress commit, has a version no event carries.)
     */
    public Job job(String jobId) {
        return read(send(jobRead(jobId), 200), Job.class);
    }

    /** Which service answered a read of the job ({@code X-ZhiYue-Source}: cache-service or grading-service). */
    public String jobSource(String jobId) {
        return exchange(jobRead(jobId), 200).headers().firstValue("X-ZhiYue-Source").orElse("(not said)");
    }

    private HttpRequest jobRead(String jobId) {
        Long version = jobVersions.get(jobId);
        String query = version == null ? "" : "?minVersion=" + version;
        return request("grading-jobs/" + jobId + query).GET().build();
    }

    private Job wrote(Job job) {
        jobVersions.merge(job.id(), job.version(), Math::max);
        return job;
    }

    public ResultPage results(String jobId, int page, int pageSize) {
        return read(send(request("grading-jobs/" + jobId + "/results?page=" + page + "&page_size=" + pageSize)
                .GET().build(), 200), ResultPage.class);
    }

    /** The page after the one that gave {@code cursor}. */
    public ResultPage resultsAfter(String jobId, String cursor, int pageSize) {
        return read(send(request("grading-jobs/" + jobId + "/results?cursor=" + cursor + "&page_size=" + pageSize)
                .GET().build(), 200), ResultPage.class);
    }

    public Statistics statistics(String jobId) {
        return read(send(request("grading-jobs/" + jobId + "/statistics").GET().build(), 200), Statistics.class);
    }

    public String exportCsv(String jobId) {
        return send(request("grading-jobs/" + jobId + "/export?format=csv").GET().build(), 200);
    }

    /** GET {@code /api/v1/<path>} (a query string may follow), answered 200. */
    public JsonNode getJson(String path) {
        try {
            return mapper.readTree(send(request(path).GET().build(), 200));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST {@code body} as JSON to {@code /api/v1/<path>}; any other status than expected is a {@link GatewayException}. */
    public JsonNode postJson(String path, Object body, int expectedStatus) {
        return sendJson("POST", path, body, expectedStatus);
    }

    /** PUT {@code body} as JSON to {@code /api/v1/<path>}, answered 200. */
    public JsonNode putJson(String path, Object body) {
        return putJson(path, body, 200);
    }

    /** PUT {@code body} as JSON to {@code /api/v1/<path>}; any other status than expected is a {@link GatewayException}. */
    public JsonNode putJson(String path, Object body, int expectedStatus) {
        return sendJson("PUT", path, body, expectedStatus);
    }

    /** DELETE {@code /api/v1/<path>}; any other status than expected is a {@link GatewayException}. */
    public void delete(String path, int expectedStatus) {
        send(request(path).DELETE().build(), expectedStatus);
    }

    private JsonNode sendJson(String method, String path, Object body, int expectedStatus) {
        try {
            HttpRequest request = request(path)
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)))
                    .build();
            return mapper.readTree(send(request, expectedStatus));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("api/v1/" + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, text/csv, application/problem+json");
        return authorize(request);
    }

    private String send(HttpRequest request, int expectedStatus) {
        return exchange(request, expectedStatus).body();
    }

    /**
     * Any call, answered as it comes (no expected status): {@code path} under /api/v1 as the gateway
     * receives it (already encoded), {@code body} JSON or null.
     */
    public HttpResponse<String> call(String method, String path, String body) {
        HttpRequest.Builder request = request(path);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return exchange(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), -1);
    }

    private HttpResponse<String> exchange(HttpRequest request, int expectedStatus) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (expectedStatus >= 0 && response.statusCode() != expectedStatus) {
                throw new GatewayException(request.method() + " " + request.uri(), response.statusCode(), response.body());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.uri(), e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unexpected " + type.getSimpleName() + " JSON: " + json, e);
        }
    }

    private <T> T read(JsonNode json, Class<T> type) {
        try {
            return mapper.treeToValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unexpected " + type.getSimpleName() + " JSON: " + json, e);
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
