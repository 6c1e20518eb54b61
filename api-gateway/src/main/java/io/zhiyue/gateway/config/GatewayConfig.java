package io.zhiyue.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Gateway settings; every key has a default that works on a laptop. */
@ConfigMapping(prefix = "zhiyue.gateway")
public interface GatewayConfig {

    /** Name of this replica in SYSTEM_STATUS events; defaults to HOSTNAME or a random id. */
    Optional<String> instanceId();

    /** How often every live connection receives a HEARTBEAT. */
    @WithDefault("15s")
    Duration heartbeatInterval();

    /** Messages a live connection may have queued before intermediate progress is coalesced. */
    @WithDefault("256")
    int outboxCapacity();

    /** Queued messages (after coalescing) at which a slow connection is closed; 0 means 2 × capacity. */
    @WithDefault("0")
    int outboxHardLimit();

    /** Channels one live connection may subscribe to at once. */
    @WithDefault("64")
    int maxSubscriptionsPerConnection();

    /** Entries read per XRANGE page when a client resumes with lastEventId. */
    @WithDefault("500")
    int replayPageSize();

    /** How long one XREAD on zhiyue:events blocks; bounds how long shutdown waits for the reader. */
    @WithDefault("2s")
    Duration eventsReadBlock();

    /** Entries per XREAD. */
    @WithDefault("200")
    int eventsReadCount();

    /** Approximate MAXLEN applied when the gateway appends to zhiyue:events. */
    @WithDefault("100000")
    long eventsMaxLength();

    /** Seconds a caller is told to wait (Retry-After) when grading-service is unavailable. */
    @WithDefault("5")
    int dependencyRetryAfterSeconds();

    /** How long a SUBSCRIBE waits for the job snapshot from grading-service. */
    @WithDefault("3s")
    Duration snapshotTimeout();

    /** Largest request body accepted on /api/v1 (checked on Content-Length before reading). */
    @WithDefault("10M")
    MemorySize maxBodySize();

    default int effectiveOutboxHardLimit() {
        return outboxHardLimit() > 0 ? Math.max(outboxHardLimit(), outboxCapacity()) : 2 * outboxCapacity();
    }
}
