package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.json.JsonCodec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

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
 * <pre>CacheBenchMain [--gateway URL] [--grading URL] [--cache URL] [--seconds 4] [--clients 16] [--runs 3]</pre>
 */
public final class CacheBenchMain {

    /** One way to read the job: its name and URL. */
    private record Target(String name, URI uri) {
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

        List<Target> targets = List.of(
                new Target("cache-service (read model)", cacheUrl.resolve("/api/v1/jobs/" + jobId)),
                new Target("grading-service", gradingUrl.resolve("/api/v1/grading-jobs/" + jobId)),
                new Target("gateway → read model", gatewayUrl.resolve("/api/v1/grading-jobs/" + jobId)),
                new Target("gateway → grading-service",
                        gatewayUrl.resolve("/api/v1/grading-jobs/" + jobId + "?via=grading-service")));
        JsonNode fromCache = get(http, targets.get(0).uri());
        JsonNode fromGrading = get(http, targets.get(1).uri());
        out.printf(Locale.ROOT, "bench cache: GET of job %s (%s, version %d in the read model, %d in grading-service)%n",
                jobId, fromGrading.path("state").asText(), fromCache.path("version").asLong(),
                fromGrading.path("version").asLong());
        out.printf(Locale.ROOT, "  %d rounds of %d s per target, taking turns; %d concurrent callers%n", runs, seconds,
                clients);

        Map<Target, List<Round>> rounds = new LinkedHashMap<>();
        targets.forEach(target -> rounds.put(target, new ArrayList<>()));
        // a short warm-up of every target, then the measured rounds in turn
        for (Target target : targets) {
            round(http, target, 1, clients);
        }
        for (int run = 0; run < runs; run++) {
            for (Target target : targets) {
                rounds.get(target).add(round(http, target, seconds, clients));
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

    private static Round round(HttpClient http, Target target, int seconds, int clients) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(target.uri()).timeout(Duration.ofSeconds(10)).GET().build();
        ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
        AtomicLong failed = new AtomicLong();
        long started = System.nanoTime();
        long end = started + Duration.ofSeconds(seconds).toNanos();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                running.add(callers.submit(() -> {
                    while (System.nanoTime() < end) {
                        long sent = System.nanoTime();
                        try {
                            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            if (response.statusCode() == 200) {
                                nanos.add(System.nanoTime() - sent);
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> caller : running) {
                caller.get();
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        double[] millis = nanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
        return new Round(millis.length / elapsed, Stats.percentile(millis, 0.5), Stats.percentile(millis, 0.99),
                failed.get());
    }

    private static JsonNode get(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JsonCodec.read(response.body(), JsonNode.class);
    }
}
