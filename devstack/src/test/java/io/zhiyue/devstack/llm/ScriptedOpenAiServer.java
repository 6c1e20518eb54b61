package io.zhiyue.devstack.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A TEST DOUBLE for an OpenAI-compatible provider: a scripted HTTP server that answers
 * {@code POST /v1/chat/completions} as the test tells it to. It is not a model and never presented
 * as one: its replies are whatever the script says (a fixed JSON verdict, prose, a 429 with
 * {@code Retry-After}, a 5xx, a stall, a dropped connection, a stream of tokens). It records every
 * request, and whether a client closed a stream before its end.
 */
public final class ScriptedOpenAiServer implements AutoCloseable {

    /** A received chat-completions request: its JSON body as text, and whether it asked to stream. */
    public record Request(String body, boolean stream, long receivedAtNanos) {

        /** The text of the last user message, or the whole body when there is none. */
        public String lastUserMessage() {
            try {
                String last = body;
                for (JsonNode message : JSON.readTree(body).path("messages")) {
                    if ("user".equals(message.path("role").asText())) {
                        last = message.path("content").asText();
                    }
                }
                return last;
            } catch (IOException e) {
                return body;
            }
        }
    }

    /** What to answer one request with. */
    public sealed interface Reply {
    }

    /** A completion whose message content is {@code content} (streamed word by word when asked to stream). */
    public record Content(String content) implements Reply {
    }

    /** An error status with an optional {@code Retry-After} value. */
    public record Status(int code, String retryAfter) implements Reply {
    }

    /** No answer for {@code duration}, then the connection is closed. */
    public record Stall(Duration duration) implements Reply {
    }

    /** The connection is dropped without an answer. */
    public record Drop() implements Reply {
    }

    /** A streamed completion: these tokens, {@code between} apart. */
    public record Tokens(List<String> tokens, Duration between) implements Reply {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger streamsFinished = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong firstTokenSentNanos = new java.util.concurrent.atomic.AtomicLong();
    private volatile Function<Request, Reply> otherwise = request -> new Content("{}");
    private volatile Duration latency = Duration.ZERO;

    private ScriptedOpenAiServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.setExecutor(threads);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    /** Starts on {@code port} (0: any free one). */
    public static ScriptedOpenAiServer start(int port) {
        try {
            return new ScriptedOpenAiServer(port);
        } catch (IOException e) {
            throw new IllegalStateException("the scripted OpenAI-compatible server could not start on " + port, e);
        }
    }

    /** The base URL a client is configured with ({@code …/v1}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Replies used once each, in order, before {@link #otherwise}. */
    public ScriptedOpenAiServer then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** The reply to every request the queued replies do not cover. */
    public ScriptedOpenAiServer otherwise(Function<Request, Reply> replies) {
        this.otherwise = replies;
        return this;
    }

    /** A fixed wait before every answer (before the first token of a stream). */
    public ScriptedOpenAiServer latency(Duration latency) {
        this.latency = latency;
        return this;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Streams a client closed before their last token. */
    public int closedByClient() {
        return closedByClient.get();
    }

    public int streamsFinished() {
        return streamsFinished.get();
    }

    /** When the latest stream's first token was flushed ({@link System#nanoTime()} of this JVM). */
    public long firstTokenSentNanos() {
        return firstTokenSentNanos.get();
    }

    /** The most requests it was answering at once. */
    public int mostInFlight() {
        return mostInFlight.get();
    }

    /** Forgets the script, the requests and the counts. */
    public void reset() {
        script.clear();
        requests.clear();
        closedByClient.set(0);
        streamsFinished.set(0);
        mostInFlight.set(0);
        latency = Duration.ZERO;
        otherwise = request -> new Content("{}");
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(body, body.replace(" ", "").contains("\"stream\":true"), System.nanoTime());
            requests.add(request);
            Reply reply = script.poll();
            if (reply == null) {
                reply = otherwise.apply(request);
            }
            pause(latency);
            switch (reply) {
                case Content content when request.stream() -> stream(exchange, words(content.content()), Duration.ZERO,
                        request);
                case Content content -> json(exchange, 200, completion(content.content(), request), null);
                case Status status -> json(exchange, status.code(),
                        "{\"error\":{\"message\":\"scripted " + status.code() + "\",\"type\":\"scripted\"}}",
                        status.retryAfter());
                case Stall stall -> {
                    pause(stall.duration());
                    exchange.close();
                }
                case Drop ignored -> throw new IOException("scripted: connection dropped");
                case Tokens tokens -> stream(exchange, tokens.tokens(), tokens.between(), request);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void stream(HttpExchange exchange, List<String> tokens, Duration between, Request request) {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        try {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            boolean first = true;
            for (String token : tokens) {
                out.write(("data: {\"id\":\"scripted\",\"object\":\"chat.completion.chunk\",\"model\":\"scripted\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + escape(token)
                        + "\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (first) {
                    firstTokenSentNanos.set(System.nanoTime());
                    first = false;
                }
                pause(between);
            }
            int completion = tokens.size();
            out.write(("data: {\"id\":\"scripted\",\"object\":\"chat.completion.chunk\",\"model\":\"scripted\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                    + "data: {\"id\":\"scripted\",\"object\":\"chat.completion.chunk\",\"model\":\"scripted\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens(request) + ",\"completion_tokens\":"
                    + completion + ",\"total_tokens\":" + (promptTokens(request) + completion) + "}}\n\n"
                    + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.close();
            streamsFinished.incrementAndGet();
        } catch (IOException closed) {
            closedByClient.incrementAndGet();
        } finally {
            exchange.close();
        }
    }

    private static void json(HttpExchange exchange, int status, String body, String retryAfter) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (retryAfter != null) {
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String completion(String content, Request request) {
        int completion = Math.max(1, content.length() / 4);
        int prompt = promptTokens(request);
        return "{\"id\":\"scripted\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"scripted\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + escape(content)
                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + prompt
                + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion) + "}}";
    }

    /** A rough count, a quarter of the body's characters: the double has no tokenizer. */
    private static int promptTokens(Request request) {
        return Math.max(1, request.body().length() / 4);
    }

    /** The text cut before each space, so tokens begin with a space as a model's often do. */
    public static List<String> words(String text) {
        List<String> tokens = new ArrayList<>();
        int from = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                tokens.add(text.substring(from, i));
                from = i;
            }
        }
        if (from < text.length()) {
            tokens.add(text.substring(from));
        }
        return tokens;
    }

    /**
     * The scripted delay a provider takes (its latency, a stall, the pace of its tokens): that is
     * the behaviour being played, not a test waiting for something. It ends early when the double
     * closes, so a closing test never waits out a stall.
     */
    private void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            closing.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
