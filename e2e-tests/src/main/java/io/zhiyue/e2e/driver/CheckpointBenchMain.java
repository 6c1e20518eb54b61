package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

/**
 * {@code ./zhiyue bench checkpoint}: checkpoint-service's put and get latency for states of about
 * 10 KB, 100 KB and 2 MB (each put changes a few answers of the previous state, as a marking run
 * does, so most are stored as deltas), and the storage ratio (bytes stored ÷ bytes of the full
 * states) of a thread whose state grows by one small answer per checkpoint. Targets here: put p99
 * under 10 ms at 100 KB, ratio under 0.2. Latency is the client's, over HTTP on this machine; each
 * size is put and read for {@code --warmup} seconds first, not counted, then measured {@code --runs}
 * times, and the medians of the runs are the figures.
 *
 * <pre>CheckpointBenchMain [--checkpoint http://localhost:8085] [--puts 300] [--growth 300] [--warmup 30] [--runs 3]</pre>
 */
public final class CheckpointBenchMain {

    /** The put route's series of http_server_requests with status 201. */
    private static final String PUT_SERIES = "method=\"PUT\",outcome=\"SUCCESS\",status=\"201\","
            + "uri=\"/api/v1/checkpoints/{threadId}/{namespace}/{checkpointId}\"";

    private CheckpointBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI base = URI.create("http://localhost:8085");
        int puts = 300;
        int growth = 300;
        int warmUpSeconds = 30;
        int runs = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--checkpoint" -> base = URI.create(args[++i]);
                case "--puts" -> puts = Integer.parseInt(args[++i]);
                case "--growth" -> growth = Integer.parseInt(args[++i]);
                case "--warmup" -> warmUpSeconds = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (puts < 1 || runs < 1 || warmUpSeconds < 0) {
            throw new IllegalArgumentException("--puts and --runs must be at least 1, --warmup at least 0");
        }
        out.printf(Locale.ROOT, "bench checkpoint: checkpoint-service at %s; latency in ms as the client sees it, on "
                + "one blocking HTTP/1.1 connection (the service's time and the wire's, not a client's thread "
                + "hand-offs); per size %d s of puts and gets not counted, then %d runs%n", base, warmUpSeconds, runs);
        for (int kilobytes : new int[] {10, 100, 2048}) {
            int n = kilobytes >= 2048 ? Math.max(20, puts / 10) : puts;
            Line line = new Line(base, kilobytes);
            line.warmUp(warmUpSeconds * 1_000_000_000L);
            List<Figures> figures = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                Figures measured = line.measure(n);
                figures.add(measured);
                String served = Double.isNaN(measured.servedIn10Ms()) ? "n/a"
                        : String.format(Locale.ROOT, "%.1f %%", measured.servedIn10Ms());
                out.printf(Locale.ROOT, "  ~%,d KB state, run %d, %d puts and %d gets: put p50 %.1f p99 %.1f, "
                                + "get p50 %.1f p99 %.1f; stored %.3f of the full states; the service's own timer "
                                + "(http_server_requests): %s of the puts answered within 10 ms%n", kilobytes, run, n, n,
                        measured.putP50(), measured.putP99(), measured.getP50(), measured.getP99(),
                        measured.storedShare(), served);
            }
            out.printf(Locale.ROOT, "  ~%,d KB state, medians of %d runs: put p50 %.1f p99 %.1f, get p50 %.1f p99 %.1f%s%n",
                    kilobytes, runs, median(figures, Figures::putP50), median(figures, Figures::putP99),
                    median(figures, Figures::getP50), median(figures, Figures::getP99),
                    kilobytes == 100 ? " (target: put p99 under 10 ms)" : "");
            line.delete();
        }
        ratio(out, base, growth);
    }

    /** One run's figures for a size: latencies in ms, the stored share, the service's share of puts within 10 ms (%). */
    private record Figures(double putP50, double putP99, double getP50, double getP99, double storedShare,
            double servedIn10Ms) {
    }

    private static double median(List<Figures> figures, ToDoubleFunction<Figures> value) {
        return Stats.median(figures.stream().map(value::applyAsDouble).toList());
    }

    /** A thread of checkpoints of one size, put and read by this bench. */
    private static final class Line {

        private final URI base;
        private final UUID thread = UUID.randomUUID();
        private final Random random;
        private final ObjectNode state;
        private final List<String> ids = new ArrayList<>();

        Line(URI base, int kilobytes) {
            this.base = base;
            this.random = new Random(kilobytes);
            this.state = stateOf(kilobytes * 1024, random);
        }

        /** Puts for half of {@code nanos}, then gets for the other half, not measured. */
        void warmUp(long nanos) throws IOException {
            long putsUntil = System.nanoTime() + nanos / 2;
            do {
                put();
            } while (System.nanoTime() < putsUntil);
            long getsUntil = System.nanoTime() + nanos / 2;
            do {
                get();
            } while (System.nanoTime() < getsUntil);
        }

        Figures measure(int n) throws IOException {
            List<Double> putMillis = new ArrayList<>(n);
            List<Double> getMillis = new ArrayList<>(n);
            long stored = 0;
            long full = 0;
            HistogramWindow servedBefore = putTimes(base);
            for (int i = 0; i < n; i++) {
                Answer put = put();
                putMillis.add(put.millis());
                stored += put.json().path("dataSizeBytes").asLong();
                full += put.json().path("stateSizeBytes").asLong();
            }
            HistogramWindow servedAfter = putTimes(base);
            for (int i = 0; i < n; i++) {
                getMillis.add(get().millis());
            }
            double served = servedBefore == null || servedAfter == null ? Double.NaN
                    : 100 * servedAfter.since(servedBefore).shareWithin(0.01);
            return new Figures(Stats.median(putMillis), Stats.percentile(putMillis, 0.99), Stats.median(getMillis),
                    Stats.percentile(getMillis, 0.99), (double) stored / full, served);
        }

        private Answer put() throws IOException {
            change(state, random, 3);
            String id = UUID.randomUUID().toString();
            // the body is written before the clock starts: the latency is the service's, not the bench's JSON writing
            Answer put = send("PUT", checkpoint(base, thread, "bench", id), putBody(state), 201);
            ids.add(id);
            return put;
        }

        /** One of the newest 50: retention keeps 100 per thread and namespace, and may run meanwhile. */
        private Answer get() throws IOException {
            String id = ids.get(ids.size() - 1 - random.nextInt(Math.min(50, ids.size())));
            return send("GET", checkpoint(base, thread, "bench", id), null, 200);
        }

        void delete() throws IOException {
            deleteThread(base, thread);
        }
    }

    private static void ratio(PrintStream out, URI base, int checkpoints) throws Exception {
        UUID thread = UUID.randomUUID();
        Random random = new Random(7);
        ObjectNode state = JsonCodec.mapper().createObjectNode();
        ArrayNode answers = state.putArray("answers");
        long stored = 0;
        long full = 0;
        for (int i = 0; i < checkpoints; i++) {
            answers.add(answer(i, random));
            Answer put = send("PUT", checkpoint(base, thread, "growth", UUID.randomUUID().toString()), putBody(state), 201);
            stored += put.json().path("dataSizeBytes").asLong();
            full += put.json().path("stateSizeBytes").asLong();
        }
        out.printf(Locale.ROOT, "storage ratio: a state growing by one answer per checkpoint, %d checkpoints: "
                        + "%,d bytes stored for %,d bytes of full states = %.3f (target here: under 0.2)%n",
                checkpoints, stored, full, (double) stored / full);
        deleteThread(base, thread);
    }

    private static URI checkpoint(URI base, UUID thread, String namespace, String id) {
        return base.resolve("/api/v1/checkpoints/" + thread + "/" + namespace + "/" + id);
    }

    private static void deleteThread(URI base, UUID thread) throws IOException {
        send("DELETE", base.resolve("/api/v1/checkpoints/" + thread), null, 204);
    }

    private static byte[] putBody(ObjectNode state) throws IOException {
        return JsonCodec.mapper().writeValueAsBytes(JsonCodec.mapper().createObjectNode().set("state", state));
    }

    /** A marking run's state: answers with a score and the LLM's reply, about {@code bytes} as JSON. */
    private static ObjectNode stateOf(int bytes, Random random) {
        ObjectNode state = JsonCodec.mapper().createObjectNode();
        ArrayNode answers = state.putArray("answers");
        int size = 2;
        for (int i = 0; size < bytes; i++) {
            ObjectNode answer = answer(i, random);
            answers.add(answer);
            size += answer.toString().length() + 1;
        }
        return state;
    }

    private static ObjectNode answer(int i, Random random) {
        ObjectNode answer = JsonCodec.mapper().createObjectNode();
        answer.put("submission", new UUID(random.nextLong(), random.nextLong()).toString());
        answer.put("score", random.nextInt(5));
        answer.put("reply", "{\"points\":[{\"id\":\"kw\",\"awarded\":true,\"evidence\":\"光合作用\"}],\"score\":"
                + random.nextInt(5) + ",\"confidence\":0." + random.nextInt(10) + ",\"reason\":\"answer " + i + "\"}");
        return answer;
    }

    /** A few answers get a new score, as the next stretch of a run would change them. */
    private static void change(ObjectNode state, Random random, int answers) {
        ArrayNode all = (ArrayNode) state.get("answers");
        for (int i = 0; i < answers; i++) {
            ((ObjectNode) all.get(random.nextInt(all.size()))).put("score", random.nextInt(5));
        }
    }

    /** A response's JSON (null: none) and how long the exchange took, up to its last byte and before parsing it. */
    private record Answer(JsonNode json, double millis) {
    }

    /**
     * The put route's timer as the service has it; null when the metrics cannot be read (the share is then left
     * out, not the run).
     */
    private static HistogramWindow putTimes(URI base) {
        try {
            return HistogramWindow.scrape(new String(exchange("GET", base.resolve("/q/metrics"), null, "text/plain")
                    .body(), StandardCharsets.UTF_8), "http_server_requests_seconds", PUT_SERIES);
        } catch (IOException e) {
            return null;
        }
    }

    /** A response's status and body, and how long the exchange took up to its last byte. */
    private record Exchange(int status, byte[] body, double millis) {
    }

    /**
     * One exchange on the JDK's blocking client, which keeps the connection open between calls: the calling
     * thread writes and reads the socket itself (java.net.http hands each exchange between three threads, and on
     * two shared cores those hand-offs were about a third of the p50 this bench measures).
     */
    private static Exchange exchange(String method, URI uri, byte[] body, String accept) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(30_000);
        connection.setRequestMethod(method);
        connection.setRequestProperty(TenantHeaders.TENANT, TenantHeaders.DEFAULT_TENANT);
        connection.setRequestProperty("Accept", accept);
        long started = System.nanoTime();
        if (body != null) {
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream request = connection.getOutputStream()) {
                request.write(body);
            }
        }
        int status = connection.getResponseCode();
        byte[] response;
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            response = in == null ? new byte[0] : in.readAllBytes();
        }
        return new Exchange(status, response, (System.nanoTime() - started) / 1e6);
    }

    private static Answer send(String method, URI uri, byte[] body, int expected) throws IOException {
        Exchange exchange = exchange(method, uri, body, "application/json");
        if (exchange.status() != expected) {
            throw new IllegalStateException(method + " " + uri + " answered " + exchange.status() + ": "
                    + new String(exchange.body(), StandardCharsets.UTF_8));
        }
        return new Answer(exchange.body().length == 0 ? null : JsonCodec.mapper().readTree(exchange.body()),
                exchange.millis());
    }
}
