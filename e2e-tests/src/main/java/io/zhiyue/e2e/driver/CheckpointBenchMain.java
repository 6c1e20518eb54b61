package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.json.JsonCodec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * {@code ./zhiyue bench checkpoint}: checkpoint-service's put and get latency for states of about
 * 10 KB, 100 KB and 2 MB (each put changes a few answers of the previous state, as a marking run
 * does, so most are stored as deltas), and the storage ratio (bytes stored ÷ bytes of the full
 * states) of a thread whose state grows by one small answer per checkpoint. Targets here: put p99
 * under 10 ms at 100 KB, ratio under 0.2. Latency is the client's, over HTTP on this machine.
 *
 * <pre>CheckpointBenchMain [--checkpoint http://localhost:8085] [--puts 200] [--growth 300]</pre>
 */
public final class CheckpointBenchMain {

    /** Exchanges not counted, per size: both JVMs compile the paths they take in the first hundred or so. */
    private static final int WARM_UP = 100;

    private CheckpointBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI base = URI.create("http://localhost:8085");
        int puts = 200;
        int growth = 300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--checkpoint" -> base = URI.create(args[++i]);
                case "--puts" -> puts = Integer.parseInt(args[++i]);
                case "--growth" -> growth = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        out.println("bench checkpoint: checkpoint-service at " + base + " (client-side latency, ms)");
        for (int kilobytes : new int[] {10, 100, 2048}) {
            int n = kilobytes >= 2048 ? Math.max(20, puts / 10) : puts;
            latency(out, http, base, kilobytes, n);
        }
        ratio(out, http, base, growth);
    }

    private static void latency(PrintStream out, HttpClient http, URI base, int kilobytes, int n) throws Exception {
        UUID thread = UUID.randomUUID();
        Random random = new Random(kilobytes);
        ObjectNode state = stateOf(kilobytes * 1024, random);
        List<Double> putMillis = new ArrayList<>();
        List<Double> getMillis = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        long stored = 0;
        long full = 0;
        for (int i = 0; i < n + WARM_UP; i++) {
            change(state, random, 3);
            String id = UUID.randomUUID().toString();
            // the request is made before the clock starts: the latency is the service's, not the bench's JSON writing
            HttpRequest request = GatewayClient.directRequest(
                            base.resolve("/api/v1/checkpoints/" + thread + "/bench/" + id))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(JsonCodec.mapper().writeValueAsBytes(
                            JsonCodec.mapper().createObjectNode().set("state", state)))).build();
            Answer put = send(http, request, 201);
            ids.add(id);
            if (i >= WARM_UP) {
                putMillis.add(put.millis());
                stored += put.json().path("dataSizeBytes").asLong();
                full += put.json().path("stateSizeBytes").asLong();
            }
        }
        // among the newest: retention keeps 100 per thread and namespace, and may run meanwhile
        List<String> newest = ids.subList(Math.max(0, ids.size() - 50), ids.size());
        for (int i = 0; i < n + WARM_UP; i++) {
            String id = newest.get(random.nextInt(newest.size()));
            HttpRequest request = GatewayClient.directRequest(
                    base.resolve("/api/v1/checkpoints/" + thread + "/bench/" + id)).GET().build();
            Answer got = send(http, request, 200);
            if (i >= WARM_UP) {
                getMillis.add(got.millis());
            }
        }
        out.printf(Locale.ROOT, "  ~%,d KB state, %d puts and %d gets after %d warm-up: put p50 %.1f p99 %.1f, "
                        + "get p50 %.1f p99 %.1f; stored %.3f of the full states%n", kilobytes, n, n, WARM_UP,
                Stats.median(putMillis), Stats.percentile(putMillis, 0.99), Stats.median(getMillis),
                Stats.percentile(getMillis, 0.99), (double) stored / full);
        send(http, GatewayClient.directRequest(base.resolve("/api/v1/checkpoints/" + thread)).DELETE().build(), 204);
    }

    private static void ratio(PrintStream out, HttpClient http, URI base, int checkpoints) throws Exception {
        UUID thread = UUID.randomUUID();
        Random random = new Random(7);
        ObjectNode state = JsonCodec.mapper().createObjectNode();
        ArrayNode answers = state.putArray("answers");
        long stored = 0;
        long full = 0;
        for (int i = 0; i < checkpoints; i++) {
            answers.add(answer(i, random));
            Answer put = send(http, GatewayClient.directRequest(
                            base.resolve("/api/v1/checkpoints/" + thread + "/growth/" + UUID.randomUUID()))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(JsonCodec.mapper().writeValueAsBytes(
                            JsonCodec.mapper().createObjectNode().set("state", state)))).build(), 201);
            stored += put.json().path("dataSizeBytes").asLong();
            full += put.json().path("stateSizeBytes").asLong();
        }
        out.printf(Locale.ROOT, "storage ratio: a state growing by one answer per checkpoint, %d checkpoints: "
                        + "%,d bytes stored for %,d bytes of full states = %.3f (target here: under 0.2)%n",
                checkpoints, stored, full, (double) stored / full);
        send(http, GatewayClient.directRequest(base.resolve("/api/v1/checkpoints/" + thread)).DELETE().build(), 204);
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

    private static Answer send(HttpClient http, HttpRequest request, int expected) throws IOException,
            InterruptedException {
        long started = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        double millis = (System.nanoTime() - started) / 1e6;
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8));
        }
        return new Answer(response.body().length == 0 ? null : JsonCodec.mapper().readTree(response.body()), millis);
    }
}
