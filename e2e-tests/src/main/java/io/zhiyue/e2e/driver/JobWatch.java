package io.zhiyue.e2e.driver;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Asks the gateway for a job over and over and keeps every answer (when, status, latency,
 * counters): how the API behaved while something was being broken, and how the job moved.
 */
public final class JobWatch implements AutoCloseable {

    /** One answer; status 0 when no HTTP answer came at all. */
    public record Sample(long atNanos, int status, long latencyMillis, int done, int total, String state) {

        public boolean ok() {
            return status == 200;
        }
    }

    /**
     * What the samples from a moment on say.
     *
     * @param errorWindowMillis from the first failed answer to the last one (0 when none failed)
     * @param longestStallMillis the longest time the job's done count did not move while it ran
     * @param finalAfterMillis when the job was first seen final, or -1
     */
    public record Summary(int requests, int failed, long worstLatencyMillis, long errorWindowMillis,
            long longestStallMillis, long finalAfterMillis) {
    }

    private final GatewayClient gateway;
    private final String jobId;
    private final Duration interval;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private JobWatch(GatewayClient gateway, String jobId, Duration interval) {
        this.gateway = gateway;
        this.jobId = jobId;
        this.interval = interval;
        this.thread = Thread.ofPlatform().daemon().name("job-watch").start(this::watch);
    }

    public static JobWatch start(GatewayClient gateway, String jobId, Duration interval) {
        return new JobWatch(gateway, jobId, interval);
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The latest answer that carried the job, or null. */
    public Sample latest() {
        for (int i = samples.size() - 1; i >= 0; i--) {
            if (samples.get(i).ok()) {
                return samples.get(i);
            }
        }
        return null;
    }

    /** Whether the watch has seen the job in a final state (it stops polling then). */
    public boolean sawFinal() {
        Sample latest = latest();
        return latest != null && isFinal(latest.state());
    }

    /** The samples taken at or after {@code fromNanos} (a System.nanoTime() reading). */
    public Summary since(long fromNanos) {
        int requests = 0;
        int failed = 0;
        long worst = 0;
        long firstFailure = -1;
        long lastFailure = -1;
        long lastMove = fromNanos;
        int lastDone = -1;
        long longestStall = 0;
        long finalAt = -1;
        for (Sample sample : samples) {
            if (sample.atNanos() < fromNanos) {
                if (sample.ok()) {
                    lastDone = sample.done();
                }
                continue;
            }
            requests++;
            worst = Math.max(worst, sample.latencyMillis());
            if (!sample.ok()) {
                failed++;
                firstFailure = firstFailure < 0 ? sample.atNanos() : firstFailure;
                lastFailure = sample.atNanos();
                continue;
            }
            if (finalAt >= 0) {
                continue;
            }
            if (sample.done() != lastDone) {
                lastDone = sample.done();
                lastMove = sample.atNanos();
            } else {
                longestStall = Math.max(longestStall, sample.atNanos() - lastMove);
            }
            if (isFinal(sample.state())) {
                finalAt = sample.atNanos();
                longestStall = Math.max(longestStall, sample.atNanos() - lastMove);
            }
        }
        return new Summary(requests, failed, worst, millis(lastFailure - firstFailure), millis(longestStall),
                finalAt < 0 ? -1 : millis(finalAt - fromNanos));
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watch() {
        while (running) {
            long started = System.nanoTime();
            Sample sample;
            try {
                Job job = gateway.job(jobId);
                sample = new Sample(started, 200, millis(System.nanoTime() - started), job.done(), job.total(),
                        job.state());
            } catch (GatewayException e) {
                sample = new Sample(started, e.status(), millis(System.nanoTime() - started), -1, -1, null);
            } catch (UncheckedIOException e) {
                sample = new Sample(started, 0, millis(System.nanoTime() - started), -1, -1, null);
            }
            samples.add(sample);
            if (sample.ok() && isFinal(sample.state())) {
                return;
            }
            long pause = interval.toNanos() - (System.nanoTime() - started);
            if (pause > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static boolean isFinal(String state) {
        return "COMPLETED".equals(state) || "CANCELLED".equals(state) || "FAILED".equals(state);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos));
    }
}
