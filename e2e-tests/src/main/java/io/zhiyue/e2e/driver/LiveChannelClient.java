package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zhiyue.shared.json.JsonCodec;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A client of the gateway's live channel ({@code /ws}). It keeps every message it receives, the
 * latest progress and the last event id per channel, and when the connection drops it reconnects
 * and resubscribes with {@code lastEventId} so the server replays what was missed.
 */
public final class LiveChannelClient implements AutoCloseable {

    /** One server message: {@code {type, channel, id, data}}. */
    public record Message(String type, String channel, String id, JsonNode data) {
    }

    /** The data of a GRADING_PROGRESS message. */
    public record Progress(String jobId, String examId, String state, int total, int graded, int failed,
                           int cancelled, int pendingReview, BigDecimal percent) {

        public int done() {
            return graded + failed + cancelled + pendingReview;
        }

        public boolean isFinal() {
            return total > 0 && done() == total;
        }
    }

    private static final int MAX_RECONNECTS = 20;

    private final URI uri;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = JsonCodec.mapper();
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final Map<String, String> lastEventIds = new ConcurrentHashMap<>();
    private final Map<String, Boolean> channels = new ConcurrentHashMap<>();
    private final List<Consumer<Message>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Progress> latestProgress = new AtomicReference<>();
    private final AtomicReference<WebSocket> socket = new AtomicReference<>();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final ScheduledExecutorService reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "live-channel-reconnect");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    private LiveChannelClient(URI uri) {
        this.uri = uri;
    }

    /** Opens the socket; fails after {@code timeout}. */
    public static LiveChannelClient connect(URI uri, Duration timeout) {
        LiveChannelClient client = new LiveChannelClient(uri);
        client.open(timeout);
        return client;
    }

    /** Called on the socket's thread for every message, in order; keep it short. */
    public LiveChannelClient onMessage(Consumer<Message> listener) {
        listeners.add(listener);
        return this;
    }

    public void subscribe(String channel) {
        channels.put(channel, Boolean.TRUE);
        send(subscription(channel));
    }

    /**
     * Subscribes resuming after {@code lastEventId}, as a client that saw that event on another connection
     * (or another gateway replica) does; a later reconnect resumes from whatever this one received since.
     */
    public void subscribe(String channel, String lastEventId) {
        lastEventIds.put(channel, lastEventId);
        subscribe(channel);
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    public List<Message> messages(String type) {
        return messages.stream().filter(m -> type.equals(m.type())).toList();
    }

    public Optional<Progress> latestProgress() {
        return Optional.ofNullable(latestProgress.get());
    }

    public Optional<String> lastEventId(String channel) {
        return Optional.ofNullable(lastEventIds.get(channel));
    }

    /** How many times the connection dropped and was re-established. */
    public int reconnects() {
        return reconnects.get();
    }

    /** Events received again with an id already seen on their channel (a resume must not cause any). */
    public int duplicates() {
        return duplicates.get();
    }

    public Progress progress(Message message) {
        return toProgress(message.data());
    }

    /** Everything received so far, for a failure message. */
    public String describe() {
        List<String> lines = new ArrayList<>();
        for (Message message : messages) {
            lines.add(message.type() + " " + message.channel() + " #" + message.id() + " " + message.data());
        }
        return String.join("\n", lines);
    }

    /** Drops the connection as a network failure would; the client reconnects on its own. */
    public void dropConnection() {
        WebSocket current = socket.get();
        if (current != null) {
            current.abort();
            connectionLost(current);
        }
    }

    @Override
    public void close() {
        closed = true;
        reconnector.shutdownNow();
        WebSocket current = socket.get();
        if (current != null) {
            current.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
            current.abort();
        }
    }

    private void open(Duration timeout) {
        CompletableFuture<WebSocket> opening = http.newWebSocketBuilder()
                .connectTimeout(timeout)
                .buildAsync(uri, new Listener());
        try {
            socket.set(opening.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + uri, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not connect to " + uri + ": " + e, e);
        }
    }

    private ObjectNode subscription(String channel) {
        ObjectNode subscribe = mapper.createObjectNode().put("type", "SUBSCRIBE").put("channel", channel);
        String lastEventId = lastEventIds.get(channel);
        if (lastEventId != null) {
            subscribe.put("lastEventId", lastEventId);
        }
        return subscribe;
    }

    private void send(ObjectNode message) {
        WebSocket current = socket.get();
        if (current == null) {
            throw new IllegalStateException("not connected to " + uri);
        }
        try {
            current.sendText(mapper.writeValueAsString(message), true).join();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void connectionLost(WebSocket lost) {
        if (socket.compareAndSet(lost, null)) {
            scheduleReconnect(0);
        }
    }

    private void scheduleReconnect(int attempt) {
        if (closed || attempt >= MAX_RECONNECTS) {
            return;
        }
        reconnector.schedule(() -> {
            try {
                open(Duration.ofSeconds(5));
                reconnects.incrementAndGet();
                channels.keySet().forEach(channel -> send(subscription(channel)));
            } catch (RuntimeException e) {
                scheduleReconnect(attempt + 1);
            }
        }, Math.min(200L << Math.min(attempt, 4), 3_000L), TimeUnit.MILLISECONDS);
    }

    private void receive(String text) {
        Message message;
        try {
            JsonNode json = mapper.readTree(text);
            message = new Message(json.path("type").asText(), json.path("channel").asText(null),
                    json.path("id").asText(null), json.path("data"));
        } catch (JsonProcessingException e) {
            message = new Message("UNPARSEABLE", null, null, mapper.getNodeFactory().textNode(text));
        }
        if (message.channel() != null && message.id() != null && !"HEARTBEAT".equals(message.type())
                && !"SYSTEM_STATUS".equals(message.type())) {
            if (seenBefore(message)) {
                duplicates.incrementAndGet();
            }
            lastEventIds.put(message.channel(), message.id());
        }
        messages.add(message);
        if ("GRADING_PROGRESS".equals(message.type())) {
            latestProgress.set(toProgress(message.data()));
        } else if ("SYSTEM_STATUS".equals(message.type()) && message.data().has("snapshot")) {
            JsonNode snapshot = message.data().path("snapshot");
            if (snapshot.has("total")) {
                latestProgress.compareAndSet(null, toProgress(snapshot));
            }
        }
        for (Consumer<Message> listener : listeners) {
            listener.accept(message);
        }
    }

    private boolean seenBefore(Message message) {
        for (Message earlier : messages) {
            if (message.id().equals(earlier.id()) && message.channel().equals(earlier.channel())
                    && message.type().equals(earlier.type())) {
                return true;
            }
        }
        return false;
    }

    private Progress toProgress(JsonNode data) {
        String jobId = data.has("jobId") ? data.path("jobId").asText() : data.path("id").asText(null);
        return new Progress(jobId, data.path("examId").asText(null), data.path("state").asText(null),
                data.path("total").asInt(), data.path("graded").asInt(), data.path("failed").asInt(),
                data.path("cancelled").asInt(), data.path("pendingReview").asInt(), data.path("percent").decimalValue());
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                receive(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            connectionLost(webSocket);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            connectionLost(webSocket);
        }
    }
}
