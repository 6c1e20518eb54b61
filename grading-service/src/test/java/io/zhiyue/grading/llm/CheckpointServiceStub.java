package io.zhiyue.grading.llm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TEST DOUBLE for checkpoint-service, as the marking pipeline calls it: {@code GET
 * …/{thread}/{namespace}/latest} answers the last body put there (404 before), {@code PUT
 * …/{thread}/{namespace}/{id}} keeps the body. Nothing else of the real service (deltas, hashes,
 * retention) is here; checkpoint-service's own tests cover that.
 */
final class CheckpointServiceStub implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, String> latest = new ConcurrentHashMap<>();
    private final AtomicInteger puts = new AtomicInteger();

    CheckpointServiceStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/checkpoints/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What a GET of latest answers for the namespace: checkpoint {@code id} holding {@code state}. */
    void seed(String thread, String namespace, String id, String state) {
        latest.put(thread + "/" + namespace, "{\"id\":\"" + id + "\",\"state\":" + state + "}");
    }

    String latest(String thread, String namespace) {
        return latest.get(thread + "/" + namespace);
    }

    int puts() {
        return puts.get();
    }

    void reset() {
        latest.clear();
        puts.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String[] path = exchange.getRequestURI().getPath().substring("/api/v1/checkpoints/".length()).split("/");
        String key = path[0] + "/" + path[1];
        if ("PUT".equals(exchange.getRequestMethod()) && path.length == 3) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // the checkpoint as a GET shows it: its id, then the body's fields
            latest.put(key, "{\"id\":\"" + path[2] + "\"," + body.substring(body.indexOf('{') + 1));
            puts.incrementAndGet();
            answer(exchange, 201, "{}");
        } else if ("GET".equals(exchange.getRequestMethod()) && path.length == 3 && "latest".equals(path[2])) {
            String body = latest.get(key);
            answer(exchange, body == null ? 404 : 200, body == null ? "{\"status\":404}" : body);
        } else {
            answer(exchange, 404, "{\"status\":404}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
