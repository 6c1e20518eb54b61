package io.zhiyue.streams.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.zhiyue.shared.stream.Streams;

import java.time.Duration;
import java.util.Map;

/** How every service talks over Redis Streams; defaults work locally, env vars override them. */
@ConfigMapping(prefix = "zhiyue.streams")
public interface StreamsConfig {

    /** How often a consumer renews its liveness key and refreshes the entries it holds. */
    @WithDefault("1s")
    Duration heartbeatInterval();

    /**
     * A consumer whose liveness key is older than this is dead: its entries are taken over. Also
     * the idle time an entry needs before it is taken, so a live owner that refreshes keeps it.
     */
    @WithDefault("3s")
    Duration livenessTtl();

    /** The last resort: an entry nobody refreshed for this long is taken over whoever holds it. */
    @WithDefault("30s")
    Duration reclaimIdle();

    /** How often a consumer looks for entries of dead consumers. */
    @WithDefault("1s")
    Duration reclaimInterval();

    /** An entry delivered this many times without an acknowledgement goes to {@code <stream>:dlq}. */
    @WithDefault("" + Streams.MAX_DELIVERIES)
    int maxDeliveries();

    /** First pause before a failed entry is tried again; doubles with every delivery. */
    @WithDefault("1s")
    Duration retryBackoff();

    /** How long one XREADGROUP / XREAD blocks; bounds how long shutdown waits for a reader. */
    @WithDefault("1s")
    Duration readBlock();

    /** A handler that has not finished after this long is abandoned; its entry is retried. */
    @WithDefault("2m")
    Duration processTimeout();

    /** How long a publish may take before it counts as failed. */
    @WithDefault("3s")
    Duration publishTimeout();

    /** Approximate MAXLEN of streams without their own entry in {@link #maxLength()}. */
    @WithDefault("100000")
    long defaultMaxLength();

    /**
     * Approximate MAXLEN per stream, e.g. {@code zhiyue.streams.max-length."zhiyue\:grading\:tasks"=1000000}
     * (in a .properties file the colons of a stream name are escaped).
     */
    Map<String, Long> maxLength();

    Outbox outbox();

    ChannelHistory channelHistory();

    default long maxLengthOf(String stream) {
        return maxLength().getOrDefault(stream, defaultMaxLength());
    }

    interface Outbox {

        /** Whether this process relays its schema's outbox (one relay at a time per schema). */
        @WithDefault("true")
        boolean relayEnabled();

        /** The relay also runs this often without being woken (rows of a process that died). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Rows published per relay transaction. */
        @WithDefault("500")
        int batchSize();

        /** Sent rows are kept this long (to read what was published), then deleted. */
        @WithDefault("1h")
        Duration retention();
    }

    /** The per-channel histories of the live channel (see io.zhiyue.shared.stream.ChannelHistory). */
    interface ChannelHistory {

        /** Approximate MAXLEN of each channel's history: how many of its events a resume can still replay. */
        @WithDefault("1000")
        long maxLength();

        /** A channel's history expires after this long without an event. */
        @WithDefault("24h")
        Duration ttl();
    }
}
