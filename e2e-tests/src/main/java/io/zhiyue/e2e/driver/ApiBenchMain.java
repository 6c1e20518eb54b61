package io.zhiyue.e2e.driver;

import io.zhiyue.shared.tenant.TenantHeaders;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ./zhiyue bench api}: a job's status read through the gateway at a fixed rate, open loop (each
 * request leaves on its schedule whatever the earlier ones do, and its latency counts from that
 * moment, so a stall is not hidden), on the gateway with authentication and rate limiting on (a
 * teacher's bearer token, verified and counted per request) and on a second gateway of the same
 * stack with both off, and straight to the service the gateway asks (cache-service's job read model), in
 * turns: requests/s answered, p50 and p99, medians of the runs, and what the gateway adds.
 *
 * <pre>ApiBenchMain --gateway URL --open-gateway URL --direct URL [--rate 1000] [--seconds 10] [--runs 3] [--warmup 30]</pre>
 */
public final class ApiBenchMain {

    /** Requests in flight at most, per target. */
    private static final int CONNECTIONS = 32;

    private ApiBenchMain() {
    }

    record Run(double rate, double p50, double p99, int errors) {
    }

    public static void main(String[] args) throws Exception {
        URI secured = null;
        URI open = null;
        URI direct = null;
        int rate = 1000;
        int seconds = 10;
        int runs = 3;
        int warmUp = 30;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> secured = URI.create(args[++i]);
                case "--open-gateway" -> open = URI.create(args[++i]);
                case "--direct" -> direct = URI.create(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmup" -> warmUp = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (secured == null || open == null || direct == null) {
            throw new IllegalArgumentException("--gateway, --open-gateway and --direct are required");
        }
        PrintStream out = System.out;
        GatewayClient gateway = new GatewayClient(secured);
        String jobId = completedJob(gateway);
        String token = LocalIdentity.staff();
        HttpRequest withAuth = HttpRequest.newBuilder(secured.resolve("/api/v1/grading-jobs/" + jobId))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();
        HttpRequest without = HttpRequest.newBuilder(open.resolve("/api/v1/grading-jobs/" + jobId))
                .timeout(Duration.ofSeconds(10)).GET().build();
        // what the gateway itself asks: the job read model in cache-service, with the headers it sets downstream
        // (a poll's trace context too: not sampled, as the gateway's sampler decides for all but a share of polls)
        HttpRequest straight = HttpRequest.newBuilder(direct.resolve("/api/v1/jobs/" + jobId))
                .header(TenantHeaders.TENANT, TenantHeaders.DEFAULT_TENANT)
                .header("traceparent", GatewayClient.UNSAMPLED_TRACEPARENT)
                .timeout(Duration.ofSeconds(10)).GET().build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        out.printf(Locale.ROOT, "bench api: a job's status at %d/s for %d s, open loop (latency counts from each request's "
                + "scheduled start); %d runs each, in turns, after %d s of each not counted (the JVMs compile their "
                + "paths in them)%n", rate, seconds, runs, warmUp);
        run(http, withAuth, rate, warmUp);
        run(http, without, rate, warmUp);
        run(http, straight, rate, warmUp);
        List<Run> on = new ArrayList<>();
        List<Run> off = new ArrayList<>();
        List<Run> service = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            on.add(report(out, "run " + i + " gateway, auth + limits on ", run(http, withAuth, rate, seconds)));
            off.add(report(out, "run " + i + " gateway, both off        ", run(http, without, rate, seconds)));
            service.add(report(out, "run " + i + " straight to cache-service", run(http, straight, rate, seconds)));
        }
        Run medianOn = median(on);
        Run medianOff = median(off);
        Run medianService = median(service);
        out.println();
        out.println("                                   requests/s    p50 ms    p99 ms   errors");
        report(out, "medians: gateway, auth + limits on ", medianOn);
        report(out, "medians: gateway, both off         ", medianOff);
        report(out, "medians: straight to cache-service ", medianService);
        out.printf(Locale.ROOT, "the gateway adds %.2f ms at p50 and %.2f ms at p99 (auth + limits on, minus straight)%n",
                medianOn.p50() - medianService.p50(), medianOn.p99() - medianService.p99());
        out.printf(Locale.ROOT, "  of which authentication and rate limiting: %.2f ms at p50 and %.2f ms at p99%n",
                medianOn.p50() - medianOff.p50(), medianOn.p99() - medianOff.p99());
    }

    /** A small exam graded to the end: its job's status is what dashboards poll. */
    private static String completedJob(GatewayClient gateway) {
        SampleExam exam = SampleExam.generate(20, 42);
        String examId = gateway.createExam("bench api", exam.subject());
        exam.questions().forEach(question -> gateway.addQuestion(examId, question));
        gateway.uploadCsv(examId, exam.csv());
        String jobId = gateway.startJob(gateway.createJob(examId, Map.of()).id()).id();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!gateway.job(jobId).isFinal()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bench's job did not finish within 2 minutes");
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        return jobId;
    }

    private static Run run(HttpClient http, HttpRequest request, int rate, int seconds) {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        ConcurrentLinkedQueue<Double> millis = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<?>> inFlight = new ArrayList<>(total);
        Map<String, AtomicInteger> errorKinds = new ConcurrentHashMap<>();
        // at most CONNECTIONS requests in flight, as a proxy in front holding that many keep-alive connections
        // would send; a request that waits for one of them still counts its latency from its scheduled start
        Semaphore connections = new Semaphore(CONNECTIONS);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            connections.acquireUninterruptibly();
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
                connections.release();
                if (failure != null || response.statusCode() != 200) {
                    errors.incrementAndGet();
                    errorKinds.computeIfAbsent(failure != null ? failure.getClass().getSimpleName()
                            : "HTTP " + response.statusCode(), kind -> new AtomicInteger()).incrementAndGet();
                } else {
                    millis.add((System.nanoTime() - due) / 1e6);
                }
                return null;
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        if (!errorKinds.isEmpty()) {
            System.out.println("    errors: " + errorKinds);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Double> answered = new ArrayList<>(millis);
        return new Run(answered.size() / elapsed, answered.isEmpty() ? Double.NaN : Stats.percentile(answered, 0.5),
                answered.isEmpty() ? Double.NaN : Stats.percentile(answered, 0.99), errors.get());
    }

    private static Run report(PrintStream out, String label, Run run) {
        out.printf(Locale.ROOT, "  %s  %10.1f  %8.2f  %8.2f  %7d%n", label, run.rate(), run.p50(), run.p99(), run.errors());
        return run;
    }

    private static Run median(List<Run> runs) {
        return new Run(Stats.median(runs.stream().map(Run::rate).toList()), Stats.median(runs.stream().map(Run::p50).toList()),
                Stats.median(runs.stream().map(Run::p99).toList()), (int) Stats.median(runs.stream()
                        .map(run -> (double) run.errors()).toList()));
    }
}
