package io.zhiyue.grading.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TEST DOUBLE for cache-service's result cache, as the marking workers call it: entries kept in a map by tenant,
 * question version and key; a lookup answers the hits (source {@code local}), a put stores, a DELETE of one address
 * forgets it and is remembered ({@link #invalidated()}). {@link #down} makes it drop every connection unanswered.
 * Layers, versions, Pub/Sub and degradation are cache-service's own and tested there.
 */
public final class ResultCacheStub {

    private final HttpServer server;
    private final Map<String, JsonNode> entries = new ConcurrentHashMap<>();
    private final List<String> invalidated = new CopyOnWriteArrayList<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicInteger stored = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();

    ResultCacheStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/cache/results", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Lookup calls that reached it. */
    public int lookups() {
        return lookups.get();
    }

    /** Entries put. */
    public int stored() {
        return stored.get();
    }

    /** The entries kept now. */
    public int size() {
        return entries.size();
    }

    /** The addresses deleted, as {@code questionVersion/key}. */
    public List<String> invalidated() {
        return List.copyOf(invalidated);
    }

    public void down(boolean down) {
        this.down.set(down);
    }

    public void reset() {
        entries.clear();
        invalidated.clear();
        lookups.set(0);
        stored.set(0);
        down.set(false);
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (down.get()) {
            exchange.close();
            return;
        }
        String tenant = exchange.getRequestHeaders().getFirst(TenantHeaders.TENANT);
        String path = exchange.getRequestURI().getRawPath().substring("/api/v1/cache/results".length());
        String method = exchange.getRequestMethod();
        if ("POST".equals(method) && "/lookup".equals(path)) {
            lookups.incrementAndGet();
            ArrayNode hits = JsonCodec.mapper().createArrayNode();
            for (JsonNode ref : body(exchange).get("entries")) {
                JsonNode value = entries.get(address(tenant, ref));
                if (value != null) {
                    ObjectNode hit = hits.addObject();
                    hit.set("questionVersion", ref.get("questionVersion"));
                    hit.set("key", ref.get("key"));
                    hit.set("value", value);
                    hit.put("version", 1);
                    hit.put("source", "local");
                }
            }
            answer(exchange, 200, "{\"hits\":" + hits + "}");
        } else if ("PUT".equals(method) && path.isEmpty()) {
            JsonNode body = body(exchange);
            for (JsonNode entry : body.get("entries")) {
                entries.put(address(tenant, entry), entry.get("value"));
                stored.incrementAndGet();
            }
            answer(exchange, 200, "{\"versions\":[]}");
        } else if ("DELETE".equals(method) && path.split("/").length == 3) {
            String[] parts = path.split("/");
            String questionVersion = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            String key = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
            entries.remove(tenant + "/" + questionVersion + "/" + key);
            invalidated.add(questionVersion + "/" + key);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        } else {
            answer(exchange, 404, "{\"status\":404}");
        }
    }

    private static String address(String tenant, JsonNode ref) {
        return tenant + "/" + ref.get("questionVersion").asText() + "/" + ref.get("key").asText();
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        return JsonCodec.mapper().readTree(exchange.getRequestBody().readAllBytes());
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
