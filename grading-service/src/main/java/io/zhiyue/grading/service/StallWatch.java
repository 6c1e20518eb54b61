package io.zhiyue.grading.service;

import io.zhiyue.grading.repository.JobRepository.StalledJob;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How long the jobs the recovery sweeps keep finding have gone without progress, for the stalled-job alert. A
 * sweep finds a job that has not moved for {@code stallTimeout}; recovery then touches it, so a job that is stuck
 * for good is found again one timeout later, at the same version (a touch does not move the version, progress
 * does). A job found at a new version made progress in between: its stall starts afresh. A job not found for
 * {@code forgetAfter} moved on or ended.
 */
final class StallWatch {

    /** A job without progress since {@code since}, last found so at {@code seen}. */
    private record Stall(long version, Instant since, Instant seen) {
    }

    private final Duration stallTimeout;
    private final Duration forgetAfter;
    private final Map<UUID, Stall> stalls = new HashMap<>();

    StallWatch(Duration stallTimeout, Duration forgetAfter) {
        this.stallTimeout = stallTimeout;
        this.forgetAfter = forgetAfter;
    }

    /** What one sweep found at {@code now}. */
    synchronized void found(List<StalledJob> jobs, Instant now) {
        for (StalledJob job : jobs) {
            Stall known = stalls.get(job.id());
            // when first found, it had not moved for a stall timeout already
            Instant since = known != null && known.version() == job.version() ? known.since() : now.minus(stallTimeout);
            stalls.put(job.id(), new Stall(job.version(), since, now));
        }
        stalls.values().removeIf(stall -> stall.seen().plus(forgetAfter).isBefore(now));
    }

    /** This process stopped sweeping (it lost the lease): another one watches now. */
    synchronized void forget() {
        stalls.clear();
    }

    /** Jobs without progress as of the sweeps. */
    synchronized int stalled() {
        return stalls.size();
    }

    /** The longest time one of them went without progress, as of the last sweep that found it (zero: none). */
    synchronized Duration longest() {
        return stalls.values().stream().map(stall -> Duration.between(stall.since(), stall.seen()))
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
