package io.zhiyue.grading.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zhiyue.shared.json.JsonCodec;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A TEST DOUBLE for saga-service's start call ({@code POST /api/v1/sagas}): it records each body and answers a saga
 * id, the same one for a request key it has seen (as the real service does); nothing runs. saga-service's own tests
 * run sagas.
 */
public final class SagaServiceStub {

    private final HttpServer server;
    private final List<JsonNode> starts = new CopyOnWriteArrayList<>();
    private final Map<String, UUID> byKey = new ConcurrentHashMap<>();

    SagaServiceStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/sagas", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The start requests received, oldest first. */
    public List<JsonNode> starts() {
        return List.copyOf(starts);
    }

    private void handle(HttpExchange exchange) throws IOException {
        JsonNode body = JsonCodec.mapper().readTree(exchange.getRequestBody().readAllBytes());
        starts.add(body);
        boolean known = byKey.containsKey(body.path("requestKey").asText());
        UUID id = byKey.computeIfAbsent(body.path("requestKey").asText(), key -> UUID.randomUUID());
        byte[] bytes = ("{\"id\":\"" + id + "\",\"state\":\"RUNNING\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(known ? 200 : 202, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
