package io.zhiyue.checkpoint.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How checkpoints are stored and kept; every value has a local default and an env override. */
@ConfigMapping(prefix = "zhiyue.checkpoint")
public interface CheckpointConfig {

    /** The largest state one checkpoint may hold (as JSON); larger is a 413. */
    @WithDefault("8388608")
    int maxStateBytes();

    /** A full snapshot after this many deltas, so a read applies at most this many patches. */
    @WithDefault("10")
    int snapshotEvery();

    /** Payloads over this many bytes are stored zlib-compressed. */
    @WithDefault("1048576")
    int compressOverBytes();

    /** Per thread and namespace, the newest checkpoints kept (plus every snapshot and delta they need). */
    @WithDefault("100")
    int keepNewest();

    /** A thread whose newest checkpoint is older than this is deleted whole. */
    @WithDefault("P30D")
    Duration maxAge();

    /** Saves tried after the first one failed, with backoff, before the checkpoint goes to an operator. */
    @WithDefault("3")
    int saveRetries();

    /**
     * The newest state of each thread and namespace is kept in memory, to diff the next checkpoint
     * against without a read, up to this many bytes of JSON (a parsed state takes several times its
     * JSON on the heap).
     */
    @WithDefault("16777216")
    long cachedStateBytes();
}
