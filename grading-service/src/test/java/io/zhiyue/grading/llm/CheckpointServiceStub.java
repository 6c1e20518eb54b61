package io.zhiyue.grading.llm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TEST DOUBLE for checkpoint-service, as the marking pipeline calls it. Per thread and
 * namespace it keeps the bodies put, oldest first: {@code GET …/latest} answers the newest (404
 * before any), {@code GET …/{id}} that one, {@code GET …?page_size=n} the newest n ids; a
 * checkpoint marked {@link #corrupt corrupt} answers 409 CHECKPOINT_CORRUPT naming it, as the real
 * service does. {@link #down} makes it drop every connection unanswered. Nothing else of the real
 * service (deltas, hashes, retention) is here; checkpoint-service's own tests cover that.
 */
public final class CheckpointServiceStub implements AutoCloseable {

    /** One checkpoint as a GET shows it. */
    private record Kept(String id, String body) {
    }

    private final HttpServer server;
    private final Map<String, List<Kept>> threads = new ConcurrentHashMap<>();
    private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
    private final AtomicInteger puts = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicBoolean down = new AtomicBoolean();

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

    /** Adds checkpoint {@code id} holding {@code state} as the namespace's newest. */
    public void seed(String thread, String namespace, String id, String state) {
        kept(thread, namespace).add(new Kept(id, "{\"id\":\"" + id + "\",\"state\":" + state + "}"));
    }

    /** The newest checkpoint of the namespace as a GET shows it (null: none). */
    public String latest(String thread, String namespace) {
        List<Kept> kept = kept(thread, namespace);
        return kept.isEmpty() ? null : kept.getLast().body();
    }

    /** The ids put or seeded in the namespace, oldest first. */
    public List<String> ids(String thread, String namespace) {
        return kept(thread, namespace).stream().map(Kept::id).toList();
    }

    /** Forgets every checkpoint of the namespace after the first {@code keep}: a crash before those puts. */
    public void rewind(String thread, String namespace, int keep) {
        List<Kept> kept = kept(thread, namespace);
        while (kept.size() > keep) {
            kept.removeLast();
        }
    }

    /** The checkpoint no longer reads back: GETs of it answer 409 CHECKPOINT_CORRUPT. */
    public void corrupt(String id) {
        corrupt.add(id);
    }

    /** While down, every connection is closed without an answer. */
    public void down(boolean down) {
        this.down.set(down);
    }

    public int puts() {
        return puts.get();
    }

    /** Requests that reached it, answered or not. */
    public int requests() {
        return requests.get();
    }

    public void reset() {
        threads.clear();
        corrupt.clear();
        puts.set(0);
        requests.set(0);
        down.set(false);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private List<Kept> kept(String thread, String namespace) {
        return threads.computeIfAbsent(thread + "/" + namespace, key -> new CopyOnWriteArrayList<>());
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        if (down.get()) {
            exchange.close();
            return;
        }
        String[] path = exchange.getRequestURI().getPath().substring("/api/v1/checkpoints/".length()).split("/");
        String method = exchange.getRequestMethod();
        List<Kept> kept = kept(path[0], path[1]);
        if ("PUT".equals(method) && path.length == 3) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // the checkpoint as a GET shows it: its id, then the body's fields
            kept.add(new Kept(path[2], "{\"id\":\"" + path[2] + "\"," + body.substring(body.indexOf('{') + 1)));
            puts.incrementAndGet();
            answer(exchange, 201, "{}");
        } else if ("GET".equals(method) && path.length == 2) {
            int size = Integer.parseInt(exchange.getRequestURI().getQuery().replaceAll(".*page_size=(\\d+).*", "$1"));
            List<String> items = new ArrayList<>();
            for (int i = kept.size() - 1; i >= 0 && items.size() < size; i--) {
                items.add("{\"id\":\"" + kept.get(i).id() + "\"}");
            }
            answer(exchange, 200, "{\"items\":" + items + ",\"pageSize\":" + size + "}");
        } else if ("GET".equals(method) && path.length == 3) {
            Kept found = "latest".equals(path[2]) ? (kept.isEmpty() ? null : kept.getLast())
                    : kept.stream().filter(one -> one.id().equals(path[2])).findFirst().orElse(null);
            if (found == null) {
                answer(exchange, 404, "{\"status\":404}");
            } else if (corrupt.contains(found.id())) {
                answer(exchange, 409, "{\"status\":409,\"code\":\"CHECKPOINT_CORRUPT\",\"errors\":[{\"field\":"
                        + "\"checkpointId\",\"message\":\"" + found.id() + "\"}]}");
            } else {
                answer(exchange, 200, found.body());
            }
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
