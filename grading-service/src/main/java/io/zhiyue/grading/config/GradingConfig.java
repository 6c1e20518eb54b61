package io.zhiyue.grading.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Tuning of the grading pipeline; every value has a local default and an env override. */
@ConfigMapping(prefix = "zhiyue.grading")
public interface GradingConfig {

    /** Consumer threads per process reading {@code zhiyue:grading:tasks}. */
    @WithDefault("2")
    int workers();

    /** Submissions per stream entry: one query, one transaction and one XACK per batch. */
    @WithDefault("100")
    int batchSize();

    /** Distinct texts embedded per round; a question's embedding stage is checkpointed after each. */
    @WithDefault("1000")
    int embeddingRound();

    /** At most one GRADING_PROGRESS per job per interval and process (the final one always goes). */
    @WithDefault("PT0.25S")
    Duration progressInterval();

    /** A job with pending tasks and no progress for this long gets its pending batches republished. */
    @WithDefault("PT60S")
    Duration stallTimeout();

    @WithDefault("PT10S")
    Duration recoveryInterval();

    /** Rubric versions kept compiled; far more than an exam's questions, far fewer than would matter in memory. */
    @WithDefault("10000")
    int preparedRubrics();

}
