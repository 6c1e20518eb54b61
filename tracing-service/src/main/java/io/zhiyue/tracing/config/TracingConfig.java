package io.zhiyue.tracing.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/** How spans are taken in, kept and watched; every value has a local default and an env override. */
@ConfigMapping(prefix = "zhiyue.tracing")
public interface TracingConfig {

    /** The largest OTLP request body (after decompression); larger is a 413. */
    @WithDefault("8M")
    MemorySize maxBodySize();

    /** Spans accepted and not yet stored; a request that does not fit is answered 503 with Retry-After. */
    @WithDefault("100000")
    int queueCapacity();

    /** Spans stored per statement. */
    @WithDefault("2000")
    int batchSize();

    /** Seconds an exporter is asked to wait when the queue is full. */
    @WithDefault("1")
    int retryAfterSeconds();

    /** Spans older than this are swept away. */
    @WithDefault("P7D")
    Duration retention();

    /**
     * How long after a student's erasure its spans are rewritten (README "Data lifecycle"): spans exported later
     * than that, in the exporters' batches, keep the id; the default covers the 5 s batch delay with room.
     */
    @WithDefault("20s")
    Duration erasureSettle();

    /** Slow-span alerts. */
    Slow slow();

    interface Slow {

        /** A span longer than this is slow, unless a threshold below names its service or operation. */
        @WithDefault("500ms")
        Duration threshold();

        /**
         * Thresholds by {@code service} or by {@code service/operation} (the latter wins), e.g.
         * {@code zhiyue.tracing.slow.thresholds."grading-service/POST /api/v1/exams"=2s}.
         */
        Map<String, Duration> thresholds();

        /** At most one SLOW_SPAN per service and operation in this interval; the others are counted. */
        @WithDefault("1m")
        Duration alertInterval();
    }
}
