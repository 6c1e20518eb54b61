package io.zhiyue.grading.llm;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.openai.internal.OpenAiClient;
import dev.langchain4j.model.openai.internal.ResponseHandle;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionChoice;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionRequest;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import dev.langchain4j.model.openai.internal.shared.StreamOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkiverse.langchain4j.openai.common.QuarkusOpenAiClient;
import io.smallrye.faulttolerance.api.CustomBackoff;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.Retry;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The OpenAI-compatible provider, through quarkus-langchain4j's client (its REST client and the
 * chat-completions model classes). A grading call is non-blocking, capped by a bulkhead (default
 * 8 calls at once per process, {@code quarkus.fault-tolerance."…LlmClient/complete".bulkhead.value})
 * and retried when the provider is unavailable, after what its {@code Retry-After} asked for. An
 * explanation streams, and cancelling the stream closes the connection to the provider. Both
 * count their tokens in {@code zhiyue.llm.tokens}.
 */
@ApplicationScoped
public class LlmClient {

    private final LlmConfig config;
    private final OpenAiClient client;
    private final Set<String> optedIn;
    private final Counter tokensIn;
    private final Counter tokensOut;

    public LlmClient(LlmConfig config, MeterRegistry registry) {
        this.config = config;
        this.tokensIn = Counter.builder("zhiyue.llm.tokens").tag("direction", "in").register(registry);
        this.tokensOut = Counter.builder("zhiyue.llm.tokens").tag("direction", "out").register(registry);
        this.optedIn = Set.copyOf(config.optedInTenants().orElse(List.of()));
        this.client = config.baseUrl().map(url -> (OpenAiClient) QuarkusOpenAiClient.builder().baseUrl(url)
                .apiKey(config.apiKey().orElse("none")).connectTimeout(Duration.ofSeconds(5))
                .readTimeout(config.timeout()).build()).orElse(null);
    }

    /** Whether an LLM is configured at all. */
    public boolean offered() {
        return client != null;
    }

    /** Whether this tenant's answers may go to the provider: an in-house one, or an external one it opted in to. */
    public boolean serves(String tenant) {
        return client != null && (!config.external() || optedIn.contains(tenant));
    }

    public String provider() {
        return config.baseUrl().orElse("");
    }

    public String model() {
        return config.model();
    }

    /**
     * One completion; fails with {@link ProviderUnavailable} once the retries are spent,
     * {@link ProviderRefused} at once. Callers wait out a {@code Retry-After} another call received
     * ({@link #providerHeld()}) before calling, so the wait holds no bulkhead permit.
     */
    @Bulkhead(value = 8, waitingTaskQueue = 100_000)
    @Retry(maxRetries = 3, delay = 500, maxDuration = 60, durationUnit = ChronoUnit.SECONDS,
            retryOn = ProviderUnavailable.class, abortOn = ProviderRefused.class)
    @CustomBackoff(RetryAfterBackoff.class)
    public Uni<ChatCompletionResponse> complete(ChatCompletionRequest request) {
        return Uni.createFrom().<ChatCompletionResponse>emitter(emitter -> {
            ResponseHandle handle = client.chatCompletion(request).onResponse(emitter::complete)
                    .onError(failure -> emitter.fail(classified(failure))).execute();
            emitter.onTermination(handle::cancel);
        }).ifNoItem().after(config.timeout()).failWith(() -> new ProviderUnavailable(
                "the provider did not answer within " + config.timeout().toSeconds() + " s", null))
                .invoke(response -> counted(Usage.of(response)));
    }

    /** Completes when no {@code Retry-After} holds the provider back any more. */
    public Uni<Void> providerHeld() {
        long held = ProviderBackoff.remainingMillis();
        return held == 0 ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(held));
    }

    /** A call's prompt tokens in and completion tokens out, as the provider counted them. */
    public record Usage(int in, int out) {

        static final Usage NONE = new Usage(0, 0);

        static Usage of(ChatCompletionResponse response) {
            return response == null || response.usage() == null ? NONE : new Usage(
                    orZero(response.usage().promptTokens()), orZero(response.usage().completionTokens()));
        }

        private static int orZero(Integer tokens) {
            return tokens == null ? 0 : tokens;
        }
    }

    private void counted(Usage usage) {
        tokensIn.increment(usage.in());
        tokensOut.increment(usage.out());
    }

    /**
     * The completion's text as it is written, chunk by chunk, then one {@link Streamed#done()} item
     * with the usage. Cancelling the stream cancels the call (the connection closes). The provider
     * writes at most the request's token limit, which bounds what waits for a slow subscriber.
     */
    public Multi<Streamed> stream(ChatCompletionRequest request) {
        ChatCompletionRequest streaming = ChatCompletionRequest.builder().from(request).stream(true)
                .streamOptions(StreamOptions.builder().includeUsage(true).build()).build();
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<ChatCompletionResponse> usage = new AtomicReference<>();
            ResponseHandle handle = client.chatCompletion(streaming).onPartialResponse(chunk -> {
                        if (chunk.usage() != null) {
                            usage.set(chunk);
                        }
                        String text = text(chunk);
                        if (text != null && !text.isEmpty()) {
                            emitter.emit(Streamed.token(text));
                        }
                    })
                    .onComplete(() -> {
                        Usage spent = Usage.of(usage.get());
                        counted(spent);
                        emitter.emit(Streamed.finished(spent));
                        emitter.complete();
                    })
                    .onError(failure -> emitter.fail(classified(failure)))
                    .execute();
            emitter.onTermination(handle::cancel);
        });
    }

    /** A piece of a streamed completion: a token, or the end with the call's usage. */
    public record Streamed(String token, Usage usage) {

        static Streamed token(String text) {
            return new Streamed(text, null);
        }

        static Streamed finished(Usage usage) {
            return new Streamed(null, usage);
        }

        public boolean done() {
            return usage != null;
        }
    }

    private static String text(ChatCompletionResponse chunk) {
        List<ChatCompletionChoice> choices = chunk.choices();
        if (choices == null || choices.isEmpty() || choices.getFirst().delta() == null) {
            return null;
        }
        return choices.getFirst().delta().content();
    }

    /** A 429 or 5xx, a dropped connection or a stall may pass; any other refusal will not. */
    private static RuntimeException classified(Throwable failure) {
        Throwable cause = failure;
        while (cause != null && !(cause instanceof HttpException)) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpException http) {
            int status = http.statusCode();
            String message = "the provider answered " + status;
            return status == 429 || status >= 500 ? new ProviderUnavailable(message, failure)
                    : new ProviderRefused(message + ": " + abbreviated(http.getMessage()), failure);
        }
        return new ProviderUnavailable("the provider could not be reached: " + failure, failure);
    }

    private static String abbreviated(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
