package io.zhiyue.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.json.JsonCodec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** A /ws client on java.net.http that keeps every message it receives. */
public final class LiveClient implements AutoCloseable {

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private final boolean stalled;

    private LiveClient(URI uri, boolean stalled) {
        this.stalled = stalled;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Collector())
                .join();
    }

    /** Connects as {@link TestTokens#staff()}. */
    public static LiveClient connect(URI httpUri) {
        return connect(httpUri, TestTokens.staff());
    }

    /** Connects with {@code token} as the {@code access_token} query parameter. */
    public static LiveClient connect(URI httpUri, String token) {
        return new LiveClient(withToken(httpUri, token), false);
    }

    private static URI withToken(URI httpUri, String token) {
        return URI.create(httpUri.toString().replaceFirst("^http", "ws") + "?access_token=" + token);
    }

    /**
     * A client that stops reading after its first message, like a browser tab frozen in the
     * background: the server's writes back up once the socket buffers are full.
     */
    public static LiveClient connectStalled(URI httpUri) {
        return new LiveClient(withToken(httpUri, TestTokens.staff()), true);
    }

    public LiveClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    public LiveClient subscribe(String channel) {
        return send("{\"type\":\"SUBSCRIBE\",\"channel\":\"" + channel + "\"}");
    }

    public LiveClient subscribe(String channel, String lastEventId) {
        return send("{\"type\":\"SUBSCRIBE\",\"channel\":\"" + channel + "\",\"lastEventId\":\"" + lastEventId + "\"}");
    }

    /** Everything received except heartbeats, in arrival order. */
    public List<JsonNode> messages() {
        return received.stream().filter(m -> !"HEARTBEAT".equals(m.path("type").asText())).toList();
    }

    public List<JsonNode> all() {
        return List.copyOf(received);
    }

    public List<JsonNode> onChannel(String channel) {
        return messages().stream().filter(m -> channel.equals(m.path("channel").asText())).toList();
    }

    public List<JsonNode> events(String channel, String type) {
        return onChannel(channel).stream().filter(m -> type.equals(m.path("type").asText())).toList();
    }

    /** Waits for the first message (heartbeats included) that matches and returns it. */
    public JsonNode awaitMessage(Predicate<JsonNode> matching) {
        return await().atMost(Duration.ofSeconds(15)).until(
                () -> received.stream().filter(matching).findFirst().orElse(null), m -> m != null);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public Integer closeCode() {
        return closed.getNow(null);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null).join();
        }
        socket.abort();
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(JsonCodec.read(partial.toString(), JsonNode.class));
                partial.setLength(0);
            }
            if (!stalled) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
