package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./zhiyue bench cache}: how fast a job's status is read from cache-service's read model
 * against grading-service, straight to each service and through the gateway, in one run. The
 * targets take turns ({@code --runs} rounds of {@code --seconds} each, {@code --clients}
 * concurrent callers), so each figure is a median over rounds measured beside the others on the
 * same loaded machine. Targets here: straight to cache-service ≥ 3× grading-service's requests/s,
 * through the gateway ≥ 1.5×. Through the gateway to grading-service means a read with a query
 * parameter the read model does not answer ({@code ?via=grading-service}), which the gateway sends
 * on to grading-service.
 *
 * Then the result cache under a Zipf workload, a warm-up and then a timed window: the hit ratio, and each layer's
 * p50/p99 and share within its target as cache-service's own histogram has them for that window.
 *
 * <pre>CacheBenchMain [--gateway URL] [--grading URL] [--cache URL] [--seconds 4] [--clients 16] [--runs 3]</pre>
 */
public final class CacheBenchMain {

    /** One way to read the job: its name, URL and credentials (request header name and value pairs). */
    private record Target(String name, URI uri, String... headers) {
    }

    /** One round against one target. */
    private record Round(double perSecond, double p50Millis, double p99Millis, long failed) {
    }

    private CacheBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        URI gradingUrl = URI.create("http://localhost:8081");
        URI cacheUrl = URI.create("http://localhost:8082");
        int seconds = 4;
        int clients = 16;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gatewayUrl = URI.create(args[++i]);
                case "--grading" -> gradingUrl = URI.create(args[++i]);
                case "--cache" -> cacheUrl = URI.create(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        String jobId = gradedJob(gateway);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        // straight to a service with the tenant and the unsampled trace context the gateway passes for a poll (its
        // sampler traces a share of polls); to the gateway as the local demo teacher
        String[] direct = {TenantHeaders.TENANT, TenantHeaders.DEFAULT_TENANT, "traceparent",
                GatewayClient.UNSAMPLED_TRACEPARENT};
        String[] teacher = {"Authorization", "Bearer " + LocalIdentity.staff()};
        List<Target> targets = List.of(
                new Target("cache-service (read model)", cacheUrl.resolve("/api/v1/jobs/" + jobId), direct),
                new Target("grading-service", gradingUrl.resolve("/api/v1/grading-jobs/" + jobId), direct),
                new Target("gateway → read model", gatewayUrl.resolve("/api/v1/grading-jobs/" + jobId), teacher),
                new Target("gateway → grading-service",
                        gatewayUrl.resolve("/api/v1/grading-jobs/" + jobId + "?via=grading-service"), teacher));
        JsonNode fromCache = get(http, targets.get(0).uri());
        JsonNode fromGrading = get(http, targets.get(1).uri());
        out.printf(Locale.ROOT, "bench cache: GET of job %s (%s, version %d in the read model, %d in grading-service)%n",
                jobId, fromGrading.path("state").asText(), fromCache.path("version").asLong(),
                fromGrading.path("version").asLong());
        out.printf(Locale.ROOT, "  %d rounds of %d s per target, taking turns; %d concurrent callers%n", runs, seconds,
                clients);

        Map<Target, List<Round>> rounds = new LinkedHashMap<>();
        targets.forEach(target -> rounds.put(target, new ArrayList<>()));
        // a warm-up round of every target (the JIT compiles the services' paths), then the measured rounds in turn
        for (Target target : targets) {
            round(target, seconds, clients);
        }
        for (int run = 0; run < runs; run++) {
            for (Target target : targets) {
                rounds.get(target).add(round(target, seconds, clients));
            }
        }
        Map<Target, Double> medians = new LinkedHashMap<>();
        for (Map.Entry<Target, List<Round>> entry : rounds.entrySet()) {
            List<Round> measured = entry.getValue();
            double perSecond = Stats.median(measured.stream().map(Round::perSecond).toList());
            medians.put(entry.getKey(), perSecond);
            out.printf(Locale.ROOT, "  %-28s %,8.0f requests/s  p50 %5.2f ms  p99 %6.2f ms  failed %d%n",
                    entry.getKey().name(), perSecond, Stats.median(measured.stream().map(Round::p50Millis).toList()),
                    Stats.median(measured.stream().map(Round::p99Millis).toList()),
                    measured.stream().mapToLong(Round::failed).sum());
        }
        double grading = medians.get(targets.get(1));
        double viaGatewayToGrading = medians.get(targets.get(3));
        out.printf(Locale.ROOT, "  straight: cache-service / grading-service = %.2fx (target ≥ 3x)%n",
                medians.get(targets.get(0)) / grading);
        out.printf(Locale.ROOT, "  through the gateway: read model / grading-service = %.2fx (target ≥ 1.5x)%n",
                medians.get(targets.get(2)) / viaGatewayToGrading);
        // two callers: the layers' latencies, not the queue before a saturated event loop on two cores
        zipf(http, cacheUrl, direct, out, seconds * runs, 2);
    }

    /** The result cache's key space of the Zipf phase, and how many of its most asked keys are stored. */
    private static final int KEYS = 50_000;
    private static final int STORED = 25_000;

    /**
     * The result cache under a Zipf workload (s = 1: a few answers very common, a long tail of rare ones): the
     * {@value #STORED} most common of {@value #KEYS} answers are stored, then single-key lookups drawn from the
     * whole space by {@code clients} callers on kept-alive connections, with the unsampled trace context of a
     * worker's call in a batch that is not traced: {@code seconds} not counted (the JIT
     * compiles the lookup path, the local layer fills with the common answers), then {@code seconds} timed. Prints
     * the hit ratio and, from cache-service's own histogram {@code zhiyue_cache_load_seconds} scraped before and
     * after the timed window, each layer's p50/p99 in that window and its share within the target (local: the
     * in-process map inside the service; Redis and PostgreSQL: their round trips).
     */
    private static void zipf(HttpClient http, URI cacheUrl, String[] direct, PrintStream out, int seconds,
            int clients) throws Exception {
        String questionVersion = "bench-zipf-" + System.nanoTime();
        URI results = cacheUrl.resolve("/api/v1/cache/results");
        for (int from = 1; from <= STORED; from += 1000) {
            StringBuilder body = new StringBuilder("{\"entries\":[");
            for (int rank = from; rank < from + 1000 && rank <= STORED; rank++) {
                body.append(rank == from ? "" : ",").append("{\"questionVersion\":\"").append(questionVersion)
                        .append("\",\"key\":\"k").append(rank).append("\",\"value\":{\"score\":1,\"confidence\":0.95}}");
            }
            HttpResponse<String> stored = http.send(GatewayClient.directRequest(results).header("Content-Type",
                    "application/json").PUT(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (stored.statusCode() != 200) {
                throw new IllegalStateException("PUT " + results + " answered " + stored.statusCode());
            }
        }
        double[] cumulative = new double[KEYS];
        double sum = 0;
        for (int rank = 1; rank <= KEYS; rank++) {
            sum += 1.0 / rank;
            cumulative[rank - 1] = sum;
        }
        double total = sum;
        URI lookup = cacheUrl.resolve("/api/v1/cache/results/lookup");
        AtomicLong found = new AtomicLong();
        Call zipfLookup = connection -> {
            int index = Arrays.binarySearch(cumulative, ThreadLocalRandom.current().nextDouble() * total);
            int rank = (index < 0 ? -index - 1 : index) + 1;
            int status = connection.post("{\"entries\":[{\"questionVersion\":\"" + questionVersion
                    + "\",\"key\":\"k" + rank + "\"}]}");
            if (status == 200 && connection.body().contains("\"key\"")) {
                found.incrementAndGet();
            }
            return status;
        };
        calls("POST", lookup, direct, seconds, clients, zipfLookup);
        found.set(0);
        String before = metrics(http, cacheUrl);
        Calls timed = calls("POST", lookup, direct, seconds, clients, zipfLookup);
        String after = metrics(http, cacheUrl);
        long asked = timed.nanos().length + timed.failed();
        out.printf(Locale.ROOT, "result cache, Zipf (s = 1) over %,d answers, the %,d most common stored, %d callers, "
                + "%d s not counted: %,d lookups in %d s, hit ratio %.3f, failed %d%n", KEYS, STORED, clients, seconds,
                asked, seconds, found.get() / (double) asked, timed.failed());
        for (String layer : List.of("local", "redis", "postgres")) {
            String series = "layer=\"" + layer + "\"";
            HistogramWindow window = HistogramWindow.scrape(after, "zhiyue_cache_load_seconds", series)
                    .since(HistogramWindow.scrape(before, "zhiyue_cache_load_seconds", series));
            double target = switch (layer) {
                case "local" -> 0.1;
                case "redis" -> 2;
                default -> Double.NaN;
            };
            out.printf(Locale.ROOT, "  %-8s layer, as cache-service times it: %,7d reads  p50 %.3f ms  p99 %.3f ms%s%n",
                    layer, window.total(), window.quantile(0.5) * 1000, window.quantile(0.99) * 1000,
                    Double.isNaN(target) ? "" : String.format(Locale.ROOT,
                            "  within %.1f ms: %.2f %% (target p99 < %.1f ms)", target,
                            100 * window.shareWithin(target / 1000), target));
        }
    }

    /** One request on a kept-alive connection; its status. */
    @FunctionalInterface
    private interface Call {
        int send(KeepAliveHttp connection) throws IOException;
    }

    /** The latencies (ns) of the calls answered 200, the calls that were not, and how long the callers ran. */
    private record Calls(long[] nanos, long failed, double seconds) {
    }

    /**
     * {@code clients} callers, each on its own kept-alive connection to {@code uri} (with {@code headers}), make
     * {@code call} again and again for {@code seconds}; a connection that fails is replaced. Refuses a stretch in
     * which no call was answered 200, naming the last failure.
     */
    private static Calls calls(String method, URI uri, String[] headers, int seconds, int clients, Call call)
            throws Exception {
        ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> lastFailure = new AtomicReference<>();
        long started = System.nanoTime();
        long end = started + Duration.ofSeconds(seconds).toNanos();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                running.add(callers.submit(() -> {
                    KeepAliveHttp connection = null;
                    while (System.nanoTime() < end) {
                        long sent = System.nanoTime();
                        try {
                            if (connection == null) {
                                connection = new KeepAliveHttp(uri, headers);
                            }
                            int status = call.send(connection);
                            if (status == 200) {
                                nanos.add(System.nanoTime() - sent);
                            } else {
                                failed.incrementAndGet();
                                lastFailure.set("answered " + status);
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            lastFailure.set(e.toString());
                            if (connection != null) {
                                connection.close();
                                connection = null;
                            }
                        }
                    }
                    if (connection != null) {
                        connection.close();
                    }
                    return null;
                }));
            }
            for (Future<?> caller : running) {
                caller.get();
            }
        }
        if (nanos.isEmpty()) {
            throw new IllegalStateException(method + " " + uri + " never answered 200 in " + seconds + " s: "
                    + failed.get() + " failed, the last " + lastFailure.get());
        }
        return new Calls(nanos.stream().mapToLong(Long::longValue).toArray(), failed.get(),
                (System.nanoTime() - started) / 1e9);
    }

    private static String metrics(HttpClient http, URI service) throws Exception {
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(service.resolve("/q/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (metrics.statusCode() != 200) {
            throw new IllegalStateException("GET " + service.resolve("/q/metrics") + " answered " + metrics.statusCode());
        }
        return metrics.body();
    }

    /** A small exam graded to the end through the gateway: the job whose status is read. */
    private static String gradedJob(GatewayClient gateway) throws InterruptedException {
        SampleExam exam = SampleExam.generate(100, 12L);
        String examId = gateway.createExam("Cache bench " + exam.title(), exam.subject());
        exam.questions().forEach(question -> gateway.addQuestion(examId, question));
        gateway.uploadCsv(examId, exam.csv());
        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!gateway.job(jobId).isFinal()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + jobId + " did not finish in 5 minutes");
            }
            Thread.sleep(200);
        }
        return jobId;
    }

    private static Round round(Target target, int seconds, int clients) throws Exception {
        Calls calls = calls("GET", target.uri(), target.headers(), seconds, clients, KeepAliveHttp::send);
        double[] millis = Arrays.stream(calls.nanos()).mapToDouble(n -> n / 1e6).sorted().toArray();
        return new Round(millis.length / calls.seconds(), Stats.percentile(millis, 0.5),
                Stats.percentile(millis, 0.99), calls.failed());
    }

    private static JsonNode get(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> response = http.send(GatewayClient.directRequest(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JsonCodec.read(response.body(), JsonNode.class);
    }
}
