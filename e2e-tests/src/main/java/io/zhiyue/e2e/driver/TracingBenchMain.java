package io.zhiyue.e2e.driver;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./zhiyue bench tracing}: tracing-service's ingest rate. {@code --clients} exporters post OTLP/protobuf
 * batches of {@code --batch} spans (fresh ids, five attributes each, as an SDK's batch processor sends them) to
 * {@code /v1/traces} for {@code --seconds}; a 503 (queue full) waits its Retry-After as an exporter does. Prints
 * per run the spans accepted per second and the spans stored per second (from the first post until the service's
 * own {@code zhiyue_tracing_spans_total{outcome="stored"}} counter holds them all), and the medians of the runs.
 * Target: ≥ 20,000 spans/s stored.
 *
 * <pre>TracingBenchMain [--tracing http://localhost:8084] [--seconds 10] [--clients 4] [--batch 512] [--runs 3]</pre>
 */
public final class TracingBenchMain {

    private static final Pattern STORED = Pattern.compile("zhiyue_tracing_spans_total\\{[^}]*outcome=\"stored\"[^}]*} ([0-9.E+]+)");

    private TracingBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI base = URI.create("http://localhost:8084");
        int seconds = 10;
        int clients = 4;
        int batch = 512;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tracing" -> base = URI.create(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--gateway" -> i++;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        out.printf(Locale.ROOT, "bench tracing: %d exporters posting OTLP/protobuf batches of %d spans to %s for %d s;"
                + " %d runs after a warm-up run%n", clients, batch, base, seconds, runs);
        List<Double> accepted = new ArrayList<>();
        List<Double> stored = new ArrayList<>();
        for (int run = 0; run <= runs; run++) {
            double[] rates = run(http, base, run == 0 ? Math.min(5, seconds) : seconds, clients, batch);
            if (run == 0) {
                out.println("  warm-up run done");
                continue;
            }
            accepted.add(rates[0]);
            stored.add(rates[1]);
            out.printf(Locale.ROOT, "  run %d: %.0f spans/s accepted, %.0f spans/s stored; %.0f requests refused 503%n",
                    run, rates[0], rates[1], rates[2]);
        }
        out.printf(Locale.ROOT, "medians of %d runs: %.0f spans/s accepted, %.0f spans/s stored (target ≥ 20,000/s)%n",
                runs, Stats.median(accepted), Stats.median(stored));
    }

    /** Accepted spans/s, stored spans/s, 503s. */
    private static double[] run(HttpClient http, URI base, int seconds, int clients, int batch) throws Exception {
        double before = stored(http, base);
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long started = System.nanoTime();
        long end = started + seconds * 1_000_000_000L;
        try (ExecutorService exporters = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                exporters.submit(() -> {
                    while (System.nanoTime() < end) {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(base.resolve("/v1/traces"))
                                        .header("Content-Type", "application/x-protobuf")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(batch(batch))).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 200) {
                            accepted.addAndGet(batch);
                        } else if (response.statusCode() == 503) {
                            refused.incrementAndGet();
                            Thread.sleep(1000L * Integer.parseInt(response.headers().firstValue("Retry-After")
                                    .orElse("1")));
                        } else {
                            throw new IllegalStateException("tracing-service answered " + response.statusCode());
                        }
                    }
                    return null;
                });
            }
        }
        double sent = (System.nanoTime() - started) / 1e9;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (stored(http, base) - before < accepted.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double all = (System.nanoTime() - started) / 1e9;
        return new double[] {accepted.get() / sent, (stored(http, base) - before) / all, refused.get()};
    }

    private static double stored(HttpClient http, URI base) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(base.resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = STORED.matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static byte[] batch(int spans) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        long now = System.currentTimeMillis() * 1_000_000L;
        byte[] trace = new byte[16];
        for (int i = 0; i < spans; i++) {
            if (i % 8 == 0) {
                random.nextBytes(trace);
                trace[0] = 1;
            }
            byte[] span = new byte[8];
            random.nextBytes(span);
            span[0] = 1;
            long start = now - random.nextLong(1_000_000_000L);
            scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span))
                    .setName(i % 8 == 0 ? "POST /api/v1/grading-jobs/{jobId}/start" : "zhiyue:tasks process")
                    .setKind(i % 8 == 0 ? Span.SpanKind.SPAN_KIND_SERVER : Span.SpanKind.SPAN_KIND_CONSUMER)
                    .setStartTimeUnixNano(start).setEndTimeUnixNano(start + random.nextLong(50_000_000L))
                    .addAttributes(attribute("http.route", "/api/v1/grading-jobs/{jobId}/start"))
                    .addAttributes(attribute("messaging.system", "redis"))
                    .addAttributes(attribute("messaging.destination.name", "zhiyue:tasks"))
                    .addAttributes(attribute("zhiyue.tenant", "demo-school"))
                    .addAttributes(attribute("thread.name", "vert.x-eventloop-thread-1")));
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "bench-exporter")))
                .addScopeSpans(scope)).build().toByteArray();
    }

    private static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }
}
