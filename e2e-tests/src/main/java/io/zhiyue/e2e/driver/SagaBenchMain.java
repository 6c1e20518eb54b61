package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./zhiyue bench saga}: score overrides at a fixed rate through the gateway, each one a score-override saga
 * (grading-service, cache-service, the notification), timed from the POST to the USER_NOTIFICATION a WebSocket
 * client on the exam's channel receives. Each run overrides the answers of a freshly graded exam, every override
 * with a reason of its own (so each is a saga of its own). Prints per run the overrides per second reached, the
 * p50/p99 latency and how many did not arrive, then the medians. Target on this machine: p99 < 100 ms at 50/s.
 *
 * <pre>SagaBenchMain [--gateway URL] [--rate 50] [--seconds 10] [--runs 3]</pre>
 */
public final class SagaBenchMain {

    private SagaBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        int rate = 50;
        int seconds = 10;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gatewayUrl = URI.create(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        out.printf(Locale.ROOT, "bench saga: score overrides at %d/s for %d s, POST → USER_NOTIFICATION on a socket "
                + "of the exam's channel; %d runs after a warm-up run%n", rate, seconds, runs);
        List<Double> p50s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (int run = 0; run <= runs; run++) {
            boolean warmUp = run == 0;
            if (warmUp) {
                out.println("  warm-up run ...");
            }
            // the warm-up is a whole run: the JIT compiles every hop of the saga's path first
            Run measured = run(gateway, http, gatewayUrl, rate, seconds);
            if (warmUp) {
                continue;
            }
            // a run that notified nothing has no latency to show: it counts as infinitely slow in the medians
            double[] millis = measured.millis();
            double p50 = millis.length == 0 ? Double.POSITIVE_INFINITY : Stats.percentile(millis, 0.5);
            double p99 = millis.length == 0 ? Double.POSITIVE_INFINITY : Stats.percentile(millis, 0.99);
            out.printf(Locale.ROOT, "  run %d: %d overrides sent at %.1f/s, %d notified: p50 %.1f ms  p99 %.1f ms  "
                    + "max %.1f ms; %d refused, %d not notified within 10 s%n", run, measured.sent(), measured.rate(),
                    millis.length, p50, p99, millis.length == 0 ? Double.POSITIVE_INFINITY : millis[millis.length - 1],
                    measured.refused(), measured.lost());
            p50s.add(p50);
            p99s.add(p99);
            rates.add(measured.rate());
        }
        out.printf(Locale.ROOT, "medians of %d runs: %.1f overrides/s, POST → notification p50 %.1f ms, p99 %.1f ms "
                + "(target p99 < 100 ms at 50/s)%n", runs, Stats.median(rates), Stats.median(p50s), Stats.median(p99s));
    }

    private record Run(int sent, double rate, double[] millis, int refused, int lost) {
    }

    private static Run run(GatewayClient gateway, HttpClient http, URI gatewayUrl, int rate, int seconds)
            throws Exception {
        int overrides = rate * seconds;
        SampleExam exam = SampleExam.generate(Math.max(20, overrides / 4 + 1), System.nanoTime());
        String examId = gateway.createExam("Saga bench " + exam.title(), exam.subject());
        exam.questions().forEach(question -> gateway.addQuestion(examId, question));
        gateway.uploadCsv(examId, exam.csv());
        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        while (!gateway.job(jobId).isFinal()) {
            Thread.sleep(200);
        }
        List<JsonNode> results = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = gateway.getJson("grading-jobs/" + jobId + "/results?page_size=200"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.path("items").forEach(results::add);
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        } while (cursor != null && results.size() < overrides);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> notifiedAt = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        String runTag = Long.toString(System.nanoTime(), 36);
        try (LiveChannelClient live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10))) {
            live.onMessage(message -> {
                if ("USER_NOTIFICATION".equals(message.type())) {
                    notifiedAt.putIfAbsent(message.data().path("reason").asText(), System.nanoTime());
                }
            });
            live.subscribe("exam:" + examId);
            Thread.sleep(300);
            long started = System.nanoTime();
            long interval = 1_000_000_000L / rate;
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < overrides; i++) {
                    long due = started + i * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    JsonNode result = results.get(i % results.size());
                    String reason = "bench " + runTag + " #" + i;
                    String body = "{\"jobId\":\"" + jobId + "\",\"score\":" + result.path("maxScore").asText()
                            + ",\"reason\":\"" + reason + "\"}";
                    senders.submit(() -> {
                        long sent = System.nanoTime();
                        sentAt.put(reason, sent);
                        try {
                            HttpResponse<Void> response = http.send(gateway.authorize(HttpRequest.newBuilder(
                                            gatewayUrl.resolve("/api/v1/submissions/"
                                                    + result.path("submissionId").asText() + "/override")))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.discarding());
                            if (response.statusCode() != 202) {
                                refused.incrementAndGet();
                                sentAt.remove(reason);
                            }
                        } catch (Exception e) {
                            refused.incrementAndGet();
                            sentAt.remove(reason);
                        }
                        return null;
                    });
                }
            }
            double sendSeconds = (System.nanoTime() - started) / 1e9;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (notifiedAt.keySet().containsAll(sentAt.keySet()) == false && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<Double> millis = new ArrayList<>();
            sentAt.forEach((reason, sent) -> {
                Long got = notifiedAt.get(reason);
                if (got != null) {
                    millis.add((got - sent) / 1e6);
                }
            });
            double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Run(overrides, overrides / sendSeconds, sorted, refused.get(), sentAt.size() - sorted.length);
        }
    }
}
