package io.zhiyue.grading.service;

import io.zhiyue.grading.repository.JobRepository.StalledJob;
import io.zhiyue.shared.job.JobState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** How long the recovery sweeps' stalled jobs have gone without progress. */
class StallWatchTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2025-06-01T08:00:00Z");

    private final StallWatch watch = new StallWatch(TIMEOUT, Duration.ofSeconds(90));
    private final UUID job = UUID.randomUUID();

    @Test
    void aJobFoundAgainAtTheSameVersionHasBeenStalledSinceATimeoutBeforeItWasFirstFound() {
        watch.found(List.of(stalled(7)), T0);
        assertThat(watch.stalled()).isEqualTo(1);
        assertThat(watch.longest()).isEqualTo(TIMEOUT);

        // recovery touched it; a timeout and a sweep later it is found again, still at version 7
        watch.found(List.of(), T0.plusSeconds(10));
        watch.found(List.of(stalled(7)), T0.plusSeconds(70));
        watch.found(List.of(stalled(7)), T0.plusSeconds(140));

        assertThat(watch.stalled()).isEqualTo(1);
        assertThat(watch.longest()).isEqualTo(Duration.ofSeconds(200));
    }

    @Test
    void aJobFoundAtANewVersionMadeProgressAndStartsAfresh() {
        watch.found(List.of(stalled(7)), T0);
        watch.found(List.of(stalled(7)), T0.plusSeconds(70));
        watch.found(List.of(stalled(9)), T0.plusSeconds(140));

        assertThat(watch.longest()).isEqualTo(TIMEOUT);
    }

    @Test
    void aJobNotFoundForLongMovedOnAndIsForgotten() {
        UUID other = UUID.randomUUID();
        watch.found(List.of(stalled(7), new StalledJob(other, "demo-school", JobState.SPLIT_COMPLETE, 3)), T0);
        watch.found(List.of(stalled(7)), T0.plusSeconds(70));
        // the longest stall does not grow between sweeps that found it: it is as of the last one
        watch.found(List.of(), T0.plusSeconds(100));
        assertThat(watch.stalled()).isEqualTo(1);
        assertThat(watch.longest()).isEqualTo(Duration.ofSeconds(130));

        watch.found(List.of(), T0.plusSeconds(161));
        assertThat(watch.stalled()).isZero();
        assertThat(watch.longest()).isZero();
    }

    @Test
    void aProcessThatStopsSweepingForgetsEverything() {
        watch.found(List.of(stalled(7)), T0);
        watch.forget();
        assertThat(watch.stalled()).isZero();
        assertThat(watch.longest()).isZero();
    }

    private StalledJob stalled(long version) {
        return new StalledJob(job, "demo-school", JobState.EXECUTING, version);
    }
}
