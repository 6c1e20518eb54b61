package io.zhiyue.e2e.driver;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Asks the gateway for a job over and over and keeps every answer (when, status, latency,
 * counters): how the API behaved while something was being broken, and how the job moved. A
 * patient watch behaves as the API asks a client to on 503 ("try again shortly"): it asks once
 * more after a moment, and the sample says it needed to.
 */
public final class JobWatch implements AutoCloseable {

    /** One answer; status 0 when no HTTP answer came at all; {@code failure} says why it was not 200. */
    public record Sample(long atNanos, int status, long latencyMillis, int done, int total, String state,
            String failure, boolean retried) {

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
     * @param failures the first few distinct reasons of failed answers
     * @param retried the answers that came only on a retry after a 503 (patient watch)
     */
    public record Summary(int requests, int failed, long worstLatencyMillis, long errorWindowMillis,
            long longestStallMillis, long finalAfterMillis, List<String> failures, int retried) {
    }

    /** How long a patient watch waits before asking again after a 503. */
    private static final Duration RETRY_AFTER_UNAVAILABLE = Duration.ofMillis(250);

    private final GatewayClient gateway;
    private final String jobId;
    private final Duration interval;
    private final boolean patient;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private JobWatch(GatewayClient gateway, String jobId, Duration interval, boolean patient) {
        this.gateway = gateway;
        this.jobId = jobId;
        this.interval = interval;
        this.patient = patient;
        this.thread = Thread.ofPlatform().daemon().name("job-watch").start(this::watch);
    }

    /** A watch that records every answer as it came. */
    public static JobWatch start(GatewayClient gateway, String jobId, Duration interval) {
        return new JobWatch(gateway, jobId, interval, false);
    }

    /** A watch that, when {@code patient}, asks once more after a 503 as the problem tells a client to. */
    public static JobWatch start(GatewayClient gateway, String jobId, Duration interval, boolean patient) {
        return new JobWatch(gateway, jobId, interval, patient);
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
        int retried = 0;
        java.util.Set<String> failures = new java.util.LinkedHashSet<>();
        for (Sample sample : samples) {
            if (sample.atNanos() < fromNanos) {
                if (sample.ok()) {
                    lastDone = sample.done();
                }
                continue;
            }
            requests++;
            retried += sample.retried() ? 1 : 0;
            worst = Math.max(worst, sample.latencyMillis());
            if (!sample.ok()) {
                failed++;
                if (failures.size() < 5) {
                    failures.add(sample.failure());
                }
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
                finalAt < 0 ? -1 : millis(finalAt - fromNanos), List.copyOf(failures), retried);
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
            Sample sample = ask(started, false);
            if (patient && sample.status() == 503 && running) {
                pause(RETRY_AFTER_UNAVAILABLE.toNanos());
                sample = ask(started, true);
            }
            samples.add(sample);
            if (sample.ok() && isFinal(sample.state())) {
                return;
            }
            if (!pause(interval.toNanos() - (System.nanoTime() - started))) {
                return;
            }
        }
    }

    private Sample ask(long started, boolean retry) {
        try {
            Job job = gateway.job(jobId);
            return new Sample(started, 200, millis(System.nanoTime() - started), job.done(), job.total(),
                    job.state(), null, retry);
        } catch (GatewayException e) {
            return new Sample(started, e.status(), millis(System.nanoTime() - started), -1, -1, null,
                    e.getMessage(), retry);
        } catch (UncheckedIOException e) {
            return new Sample(started, 0, millis(System.nanoTime() - started), -1, -1, null, e.toString(), retry);
        }
    }

    /** False when interrupted. */
    private static boolean pause(long nanos) {
        if (nanos <= 0) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static boolean isFinal(String state) {
        return "COMPLETED".equals(state) || "CANCELLED".equals(state) || "FAILED".equals(state);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos));
    }
}
