package io.zhiyue.streams.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/**
 * The application's own limits on a request, answered with problem+json. The HTTP parser's limits
 * ({@code quarkus.http.limits.*}) are set four times higher in every service, so the application
 * answers first; beyond the parser's limit the parser answers with its bare status.
 */
@ConfigMapping(prefix = "zhiyue.http")
public interface HttpLimitsConfig {

    /** The largest request body, chunked bodies included. */
    @WithDefault("10M")
    MemorySize maxBodySize();

    /** The longest request line target (path and query). */
    @WithDefault("8192")
    int maxUriLength();

    /** The most header bytes (names and values) a request may carry. */
    @WithDefault("16K")
    MemorySize maxHeaderSize();

    /**
     * Path prefixes whose routes check their own body size and answer in a format of their own (tracing-service's
     * OTLP receiver answers a google.rpc.Status, which exporters parse); the URI and header limits still apply;
     * none by default.
     */
    Optional<List<String>> ownLimitPaths();
}
