package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.json.JsonCodec;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Many dashboards on one job at once: opens N sockets to the live channel together, each
 * subscribing to {@code channel} as soon as it is open, and records per socket when its
 * subscription was confirmed (or refused, with the reason), and when it saw the job COMPLETED.
 */
public final class SubscriptionStorm implements AutoCloseable {

    /** What the storm saw; times in milliseconds. */
    public record Figures(int sockets, int opened, int failedToOpen, int confirmed, int refused, int sawCompleted,
            long confirmP50, long confirmP99, long deliveryP50, long deliveryP99, List<String> refusals) {
    }

    /** How a progress frame starts (the server writes {@code type} first). */
    private static final String PROGRESS = "{\"type\":\"GRADING_PROGRESS\"";

    /** Sockets per teacher: under the gateway's per-user cap (10 by default). */
    public static final int SOCKETS_PER_USER = 5;

    private final String channel;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "storm-client");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder().executor(executor).build();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    private SubscriptionStorm(String channel) {
        this.channel = channel;
    }

    /**
     * Prepares {@code count} sockets as teachers of the gateway's school with
     * {@link #SOCKETS_PER_USER} sockets each (the gateway caps a user's sockets); their tokens are
     * signed here, so {@link #open()} does nothing but open.
     */
    public static SubscriptionStorm prepare(GatewayClient gateway, String channel, int count) {
        SubscriptionStorm storm = new SubscriptionStorm(channel);
        URI liveChannel = null;
        for (int i = 0; i < count; i++) {
            if (i % SOCKETS_PER_USER == 0) {
                liveChannel = gateway.as("dashboard-" + i / SOCKETS_PER_USER, "teacher").liveChannel();
            }
            storm.sockets.add(storm.new Socket(liveChannel));
        }
        return storm;
    }

    /** Starts opening every socket at once; returns without waiting for them. */
    public SubscriptionStorm open() {
        sockets.forEach(Socket::open);
        return this;
    }

    /** Waits until every socket is confirmed, refused or failed to open; false on timeout. */
    public boolean awaitAnswered(Duration timeout) {
        return await(timeout, () -> sockets.stream().allMatch(s -> s.confirmedAt > 0 || s.refusal != null || s.failed));
    }

    /** Waits until every confirmed socket saw COMPLETED; false on timeout. */
    public boolean awaitCompleted(Duration timeout) {
        return await(timeout, () -> sockets.stream().filter(s -> s.confirmedAt > 0).allMatch(s -> s.completedAt > 0));
    }

    public Figures figures() {
        List<Long> confirm = new ArrayList<>();
        List<Long> delivery = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        int opened = 0;
        int confirmed = 0;
        int completed = 0;
        for (Socket socket : sockets) {
            opened += socket.openedAt > 0 ? 1 : 0;
            if (socket.confirmedAt > 0) {
                confirmed++;
                confirm.add(TimeUnit.NANOSECONDS.toMillis(socket.confirmedAt - socket.subscribedAt));
            }
            if (socket.completedAt > 0) {
                completed++;
                delivery.add(socket.deliveryMillis);
            }
            if (socket.refusal != null) {
                refusals.add(socket.refusal);
            }
        }
        return new Figures(sockets.size(), opened, (int) sockets.stream().filter(s -> s.failed).count(), confirmed,
                refusals.size(), completed, percentile(confirm, 50), percentile(confirm, 99),
                percentile(delivery, 50), percentile(delivery, 99),
                refusals.stream().distinct().limit(5).toList());
    }

    /** Why sockets failed to open (first few distinct reasons). */
    public List<String> openFailures() {
        return failures.stream().distinct().limit(5).toList();
    }

    @Override
    public void close() {
        for (Socket socket : sockets) {
            socket.close();
        }
        executor.shutdownNow();
    }

    private static boolean await(Duration timeout, BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return done.getAsBoolean();
    }

    private static long percentile(List<Long> values, int percentile) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private final class Socket implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket webSocket;
        private volatile long openedAt;
        private volatile long subscribedAt;
        private volatile long confirmedAt;
        private volatile long completedAt;
        private volatile long deliveryMillis;
        private volatile String refusal;
        private volatile boolean failed;

        private final URI uri;

        Socket(URI uri) {
            this.uri = uri;
        }

        void open() {
            CompletableFuture<WebSocket> opening = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60))
                    .buildAsync(uri, this);
            opening.whenComplete((socket, failure) -> {
                if (failure != null) {
                    failed = true;
                    failures.add(failure.toString());
                }
            });
        }

        @Override
        public void onOpen(WebSocket socket) {
            webSocket = socket;
            openedAt = System.nanoTime();
            subscribedAt = System.nanoTime();
            socket.sendText("{\"type\":\"SUBSCRIBE\",\"channel\":\"" + channel + "\"}", true);
            socket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                receive(partial.toString());
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            failed = confirmedAt == 0;
            failures.add(error.toString());
        }

        private void receive(String text) {
            if (confirmedAt != 0 && text.startsWith(PROGRESS)) {
                // the many progress frames tell this storm nothing: not parsing them keeps the
                // bench's own CPU (on the machine it measures) down
                return;
            }
            JsonNode message;
            try {
                message = JsonCodec.mapper().readTree(text);
            } catch (IOException e) {
                return;
            }
            String type = message.path("type").asText();
            JsonNode data = message.path("data");
            if ("SYSTEM_STATUS".equals(type) && data.path("subscribed").asBoolean(false) && confirmedAt == 0) {
                confirmedAt = System.nanoTime();
            } else if ("ERROR".equals(type) && confirmedAt == 0) {
                refusal = data.path("message").asText(message.toString());
            } else if ("JOB_STATE_CHANGED".equals(type) && "COMPLETED".equals(data.path("to").asText())
                    && completedAt == 0) {
                completedAt = System.nanoTime();
                Instant at = Instant.parse(data.path("at").asText());
                deliveryMillis = Duration.between(at, Instant.now()).toMillis();
            }
        }

        void close() {
            WebSocket socket = webSocket;
            if (socket != null) {
                socket.abort();
            }
        }
    }
}
