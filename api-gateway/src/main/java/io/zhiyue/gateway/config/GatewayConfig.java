package io.zhiyue.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Gateway settings; every key has a default that works on a laptop. */
@ConfigMapping(prefix = "zhiyue.gateway")
public interface GatewayConfig {

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

    /** Live connections one user (tenant and subject) may hold on one replica; more are refused (1008). */
    @WithDefault("10")
    int maxConnectionsPerUser();

    /**
     * A live connection from which nothing was heard this long (no message, no pong to the server's
     * pings) is closed; checked at every heartbeat.
     */
    @WithDefault("45s")
    Duration idleTimeout();

    /** Entries read per XRANGE page when a client resumes with lastEventId. */
    @WithDefault("500")
    int replayPageSize();

    /** Seconds a caller is told to wait (Retry-After) when a downstream service is unavailable. */
    @WithDefault("5")
    int dependencyRetryAfterSeconds();

    /** How long a SUBSCRIBE waits for the job snapshot from grading-service. */
    @WithDefault("3s")
    Duration snapshotTimeout();

    /** Snapshot fetches in flight at once, over all jobs (one per job at most: they are shared). */
    @WithDefault("8")
    int snapshotConcurrency();

    /** The whole time a read may take downstream, retries included; then 503 with Retry-After. */
    @WithDefault(CallBudgets.READ_MILLIS + "ms")
    Duration readBudget();

    /** The same for uploads, exports and job actions, which do real work before they answer. */
    @WithDefault(CallBudgets.SLOW_MILLIS + "ms")
    Duration longBudget();

    /** The share of job-status reads (what dashboards poll) that start a trace of their own (tracing PollingReadSampler). */
    @WithDefault("0.01")
    double tracePollRatio();

    default int effectiveOutboxHardLimit() {
        return outboxHardLimit() > 0 ? Math.max(outboxHardLimit(), outboxCapacity()) : 2 * outboxCapacity();
    }
}
