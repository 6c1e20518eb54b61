package io.zhiyue.gateway.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zhiyue.shared.json.JsonCodec;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a downstream service (grading-service, checkpoint-service) on a free port.
 * Answers what a test programmed for a "METHOD path", otherwise 200 with a JSON echo of the
 * request; records every request.
 */
public final class GradingStub {

    public record Recorded(String method, String path, String rawQuery, Map<String, List<String>> query,
            Map<String, List<String>> headers, byte[] body) {

        public String header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue().isEmpty() ? null : header.getValue().get(0);
                }
            }
            return null;
        }
    }

    public record Canned(int status, String contentType, byte[] body, Map<String, String> headers,
            java.time.Duration delay) {
    }

    private final HttpServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Canned> canned = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);
    /** Whether a request nothing was programmed for is echoed (200), or answered 404. */
    private final boolean echoUnprogrammed;

    public GradingStub() throws IOException {
        this(true);
    }

    public GradingStub(boolean echoUnprogrammed) throws IOException {
        this.echoUnprogrammed = echoUnprogrammed;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The configuration key of the gateway's list of grading-service instances (Stork, host:port,...). */
    public static final String INSTANCES = "quarkus.stork.grading-service.service-discovery.address-list";

    public String url() {
        return "http://" + address();
    }

    /** host:port, as the gateway's instance list names it. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public void stop() {
        released.countDown();
        server.stop(0);
    }

    public void respond(String method, String path, int status, String contentType, String body,
            Map<String, String> headers) {
        canned.put(method + " " + path, new Canned(status, contentType,
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), headers, java.time.Duration.ZERO));
    }

    /** Answers only after {@code delay}, like a grading-service that hangs. */
    public void respondSlowly(String method, String path, java.time.Duration delay) {
        canned.put(method + " " + path, new Canned(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of(), delay));
    }

    public void respond(String method, String path, int status, String contentType, String body) {
        respond(method, path, status, contentType, body, Map.of());
    }

    /** A programmed answer that takes {@code delay} to arrive, like a busy grading-service. */
    public void respondAfter(java.time.Duration delay, String method, String path, int status, String body) {
        canned.put(method + " " + path, new Canned(status, "application/json",
                body.getBytes(StandardCharsets.UTF_8), Map.of(), delay));
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** The last request to {@code path}, or null. */
    public Recorded last(String method, String path) {
        Recorded found = null;
        for (Recorded request : requests) {
            if (request.method().equals(method) && request.path().equals(path)) {
                found = request;
            }
        }
        return found;
    }

    public long count(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            Recorded request = new Recorded(exchange.getRequestMethod(), path, rawQuery, parse(rawQuery),
                    new LinkedHashMap<>(exchange.getRequestHeaders()), body);
            requests.add(request);

            Canned answer = canned.get(request.method() + " " + path);
            if (answer == null) {
                answer = echoUnprogrammed
                        ? new Canned(200, "application/json", echo(request), Map.of(), java.time.Duration.ZERO)
                        : new Canned(404, "application/problem+json",
                                "{\"status\":404,\"code\":\"RECORD_NOT_FOUND\"}".getBytes(StandardCharsets.UTF_8), Map.of(),
                                java.time.Duration.ZERO);
            }
            if (!answer.delay().isZero()) {
                // a hung dependency: hold the answer back until the delay passes or the stub stops
                try {
                    released.await(answer.delay().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (answer.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            }
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                exchange.getResponseBody().write(answer.body());
            }
        }
    }

    private static byte[] echo(Recorded request) {
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("method", request.method());
        echo.put("path", request.path());
        echo.put("query", request.query());
        echo.put("tenant", request.header("X-ZhiYue-Tenant"));
        echo.put("subject", request.header("X-ZhiYue-Subject"));
        echo.put("roles", request.header("X-ZhiYue-Roles"));
        echo.put("requestId", request.header("X-Request-Id"));
        echo.put("contentType", request.header("Content-Type"));
        echo.put("body", new String(request.body(), StandardCharsets.UTF_8));
        return JsonCodec.write(echo).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, List<String>> parse(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        return query;
    }
}
