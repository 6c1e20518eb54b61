package io.zhiyue.e2e.driver;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.zhiyue.shared.json.JsonCodec;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Many live-channel sockets in one JVM, on Vert.x's non-blocking WebSocket client (a few KB a socket,
 * no thread a socket). Each socket opens with its own caller's token (offered as the {@code bearer}
 * sub-protocol, as a browser does), subscribes to one channel, and records when each GRADING_PROGRESS
 * arrived, by event id, so a bench can tell what every socket got and what it missed.
 */
final class LiveSocketFleet implements AutoCloseable {

    /**
     * How a progress frame starts, and its id field: the server writes {@code type}, {@code channel}, {@code id},
     * then {@code data}, so the first id field is the event's. Progress frames are only scanned for it, not
     * parsed: ten thousand a second of parsed trees would make this client's garbage collector, on the
     * machine it measures, part of every latency figure.
     */
    private static final String PROGRESS = "{\"type\":\"GRADING_PROGRESS\"";
    private static final String ID_FIELD = "\"id\":\"";
    /** Upgrades refused with 429 are tried again, after Retry-After, this many times in all. */
    private static final int MAX_ATTEMPTS = 8;
    private static final int HTTP_TOO_MANY_REQUESTS = 429;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final URI gateway;
    private final List<Socket> sockets = new ArrayList<>();
    private final CountDownLatch answered;
    private final AtomicLong received = new AtomicLong();
    private final AtomicInteger retried = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile boolean closing;

    /**
     * Sockets {@code 0 .. tokens.size() - 1}; socket i subscribes to {@code channels.get(i % channels.size())}
     * with {@code tokens.get(i)}. Nothing is opened yet.
     */
    LiveSocketFleet(Vertx vertx, URI gateway, List<String> channels, List<String> tokens) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(tokens.size() + 1)
                .setConnectTimeout((int) Duration.ofSeconds(30).toMillis())
                .setIdleTimeout(0));
        for (int i = 0; i < tokens.size(); i++) {
            sockets.add(new Socket(i % channels.size(), channels.get(i % channels.size()), tokens.get(i)));
        }
        this.answered = new CountDownLatch(tokens.size());
    }

    List<Socket> sockets() {
        return sockets;
    }

    /**
     * Opens every socket at {@code perSecond} upgrades a second, at most {@code inFlight} at a time, and
     * waits until each is confirmed or has failed; false if some were still unanswered after {@code patience}.
     */
    boolean open(int perSecond, int inFlight, Duration patience) throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long start = System.nanoTime();
        for (int i = 0; i < sockets.size(); i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            permits.acquire();
            connect(sockets.get(i), permits);
        }
        boolean all = answered.await(patience.toMillis(), TimeUnit.MILLISECONDS);
        if (!all) {
            failures.add(answered.getCount() + " sockets neither confirmed nor refused within " + patience.toSeconds() + " s");
        }
        return all;
    }

    /** First deliveries of progress frames (duplicates not counted), over all sockets. */
    long received() {
        return received.get();
    }

    /** Upgrades refused with 429 and tried again. */
    int retried() {
        return retried.get();
    }

    /** The first few distinct reasons sockets failed. */
    List<String> failureReasons() {
        return failures.stream().distinct().limit(5).toList();
    }

    /** Closes every socket (normal closure) and waits a little for the closes to go out. */
    @Override
    public void close() {
        closing = true;
        CountDownLatch closed = new CountDownLatch(sockets.size());
        for (Socket socket : sockets) {
            WebSocket webSocket = socket.webSocket;
            if (webSocket == null || webSocket.isClosed()) {
                closed.countDown();
            } else {
                webSocket.close().onComplete(ignored -> closed.countDown());
            }
        }
        try {
            closed.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }

    private void connect(Socket socket, Semaphore permits) {
        socket.attempts++;
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(gateway.getHost()).setPort(gateway.getPort()).setURI("/ws")
                // a script, not a browser: no Origin (CORS would hold a browser's origin to the allowed list)
                .setAllowOriginHeader(false)
                .addSubProtocol("bearer").addSubProtocol(socket.token);
        // the socket keeps its permit while it backs off, so refused upgrades slow the opening down
        client.connect(options).onComplete(result -> {
            if (result.succeeded()) {
                permits.release();
                socket.opened(result.result());
            } else if (result.cause() instanceof UpgradeRejectedException rejected
                    && rejected.getStatus() == HTTP_TOO_MANY_REQUESTS && socket.attempts < MAX_ATTEMPTS) {
                retried.incrementAndGet();
                vertx.setTimer(retryAfterMillis(rejected, socket.attempts), ignored -> connect(socket, permits));
            } else {
                permits.release();
                socket.fail(reason(result.cause()));
            }
        });
    }

    /** Retry-After (seconds), at least one second, longer with each attempt, spread a little. */
    private static long retryAfterMillis(UpgradeRejectedException rejected, int attempt) {
        long seconds = 1;
        String header = rejected.getHeaders() == null ? null : rejected.getHeaders().get("Retry-After");
        if (header != null && header.matches("\\d+")) {
            seconds = Math.max(1, Long.parseLong(header));
        }
        return seconds * 1000 * attempt + (long) (Math.random() * 500);
    }

    /**
     * A stream id {@code <ms>-<seq>} (in {@code text} from {@code start} to {@code end}) as one long that orders
     * as the id does: ms above 20 bits of seq (the ms need 43 bits until the year 2248).
     */
    static long key(CharSequence text, int start, int end) {
        int dash = start;
        while (text.charAt(dash) != '-') {
            dash++;
        }
        return Long.parseLong(text, start, dash, 10) << 20 | Long.parseLong(text, dash + 1, end, 10);
    }

    private static String reason(Throwable failure) {
        if (failure instanceof UpgradeRejectedException rejected) {
            String body = rejected.getBody() == null ? "" : rejected.getBody().toString();
            return "HTTP " + rejected.getStatus() + (body.isEmpty() ? "" : " " + body.substring(0, Math.min(160, body.length())));
        }
        return failure.toString();
    }

    /** One socket: its channel, whether it was confirmed, and the arrival time of each event id it received. */
    final class Socket {

        final int channelIndex;
        final String channel;
        private final String token;
        private volatile WebSocket webSocket;
        private volatile int attempts;
        /** System.nanoTime() when its SUBSCRIBE was confirmed; 0 until then. */
        private volatile long confirmedAt;
        private volatile String closedByGateway;
        private boolean answered;
        /** Keys ({@link #key}) of the events received, ascending, and the wall-clock ms each first arrived. */
        private long[] keys = new long[16];
        private long[] arrivals = new long[16];
        private int count;
        private int duplicates;

        private Socket(int channelIndex, String channel, String token) {
            this.channelIndex = channelIndex;
            this.channel = channel;
            this.token = token;
        }

        boolean isConfirmed() {
            return confirmedAt != 0;
        }

        long confirmedAt() {
            return confirmedAt;
        }

        /** Why the gateway closed this socket after it was confirmed, if it did. */
        Optional<String> closedByGateway() {
            return Optional.ofNullable(closedByGateway);
        }

        /** When the event of stream id {@code eventId} first arrived (wall-clock ms), or -1 if it never did. */
        synchronized long arrivalOf(String eventId) {
            int at = Arrays.binarySearch(keys, 0, count, key(eventId, 0, eventId.length()));
            return at >= 0 ? arrivals[at] : -1;
        }

        synchronized int duplicates() {
            return duplicates;
        }

        private void opened(WebSocket socket) {
            webSocket = socket;
            socket.textMessageHandler(this::receive);
            socket.exceptionHandler(failure -> {
                if (!isConfirmed()) {
                    fail(failure.toString());
                }
            });
            socket.closeHandler(ignored -> closed(socket.closeStatusCode(), socket.closeReason()));
            socket.writeTextMessage("{\"type\":\"SUBSCRIBE\",\"channel\":\"" + channel + "\"}");
        }

        private void receive(String text) {
            long now = System.currentTimeMillis();
            if (text.startsWith(PROGRESS)) {
                int start = text.indexOf(ID_FIELD) + ID_FIELD.length();
                arrived(key(text, start, text.indexOf('"', start)), now);
                return;
            }
            JsonNode message;
            try {
                message = JsonCodec.mapper().readTree(text);
            } catch (IOException e) {
                return;
            }
            String type = message.path("type").asText();
            if (!isConfirmed() && "SYSTEM_STATUS".equals(type) && channel.equals(message.path("channel").asText())
                    && message.path("data").path("subscribed").asBoolean(false)) {
                confirmedAt = System.nanoTime();
                answer();
            } else if (!isConfirmed() && "ERROR".equals(type)) {
                fail("refused: " + message.path("data").path("message").asText(text));
            }
        }

        /** Ids rise within a channel, so an arrival is almost always appended at the end. */
        private synchronized void arrived(long key, long arrivedAt) {
            int found = Arrays.binarySearch(keys, 0, count, key);
            if (found >= 0) {
                duplicates++;
                return;
            }
            int slot = -found - 1;
            if (count == keys.length) {
                keys = Arrays.copyOf(keys, count * 2);
                arrivals = Arrays.copyOf(arrivals, count * 2);
            }
            System.arraycopy(keys, slot, keys, slot + 1, count - slot);
            System.arraycopy(arrivals, slot, arrivals, slot + 1, count - slot);
            keys[slot] = key;
            arrivals[slot] = arrivedAt;
            count++;
            received.incrementAndGet();
        }

        private void closed(Short code, String reason) {
            if (!isConfirmed()) {
                fail("closed before its subscription was confirmed: " + code + " " + reason);
            } else if (!closing) {
                closedByGateway = code + " " + reason;
                failures.add("closed by the gateway: " + closedByGateway);
            }
        }

        private void fail(String reason) {
            if (answer()) {
                failures.add(reason);
            }
        }

        /** Counts this socket as answered once; true the first time. */
        private synchronized boolean answer() {
            if (answered) {
                return false;
            }
            answered = true;
            LiveSocketFleet.this.answered.countDown();
            return true;
        }
    }
}
