package io.zhiyue.e2e.driver;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts a grading job and follows it to a final state over the live channel, drawing a progress
 * bar. Polls the job as well, so a lost socket only makes the bar coarser, never hangs the run.
 */
public final class JobFollower {

    /** How a followed job ended, with the client-side clock readings around it. */
    public record Outcome(Job job, Instant startRequested, Instant finalStateSeen, boolean liveChannelUsed,
                          int progressEvents, boolean sawFinalProgress, boolean sawFinalState) {

        public Duration clientDuration() {
            return Duration.between(startRequested, finalStateSeen);
        }
    }

    private static final Set<String> FINAL_STATES = Set.of("COMPLETED", "CANCELLED", "FAILED");
    private static final Duration POLL = Duration.ofMillis(500);

    private JobFollower() {
    }

    public static Outcome startAndFollow(GatewayClient gateway, String jobId, PrintStream out, Duration timeout)
            throws InterruptedException {
        ProgressBar bar = new ProgressBar(out);
        CountDownLatch finalState = new CountDownLatch(1);
        CountDownLatch finalProgress = new CountDownLatch(1);
        AtomicReference<Instant> finalStateAt = new AtomicReference<>();
        LiveChannelClient live = null;
        try {
            live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            out.println("  (live channel unavailable, following by polling: " + e.getMessage() + ")");
        }
        try {
            if (live != null) {
                LiveChannelClient channel = live;
                CountDownLatch subscribed = new CountDownLatch(1);
                live.onMessage(message -> {
                    switch (message.type()) {
                        case "SYSTEM_STATUS" -> subscribed.countDown();
                        case "GRADING_PROGRESS" -> {
                            LiveChannelClient.Progress progress = channel.progress(message);
                            bar.update(progress.done(), progress.total(), progress.state());
                            if (progress.isFinal()) {
                                finalProgress.countDown();
                            }
                        }
                        case "JOB_STATE_CHANGED" -> {
                            if (FINAL_STATES.contains(message.data().path("to").asText())) {
                                finalStateAt.compareAndSet(null, Instant.now());
                                finalState.countDown();
                            }
                        }
                        default -> {
                        }
                    }
                });
                live.subscribe("job:" + jobId);
                if (!subscribed.await(5, TimeUnit.SECONDS)) {
                    out.println("  (no subscription confirmation from the live channel yet; continuing)");
                }
            }
            bar.start();
            Instant startRequested = Instant.now();
            Job job = gateway.startJob(jobId);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!job.isFinal()) {
                if (System.nanoTime() > deadline) {
                    bar.finish();
                    throw new IllegalStateException("job " + jobId + " did not finish within " + timeout
                            + "; last seen " + job.state() + " " + job.done() + "/" + job.total());
                }
                if (finalState.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                    // the socket said so; the job row is the source of truth
                    job = awaitFinal(gateway, jobId);
                    continue;
                }
                try {
                    job = gateway.job(jobId);
                } catch (GatewayException | UncheckedIOException e) {
                    // a moment without an answer (an instance being replaced): ask again next round
                    continue;
                }
                bar.update(job.done(), job.total(), job.state());
            }
            finalStateAt.compareAndSet(null, Instant.now());
            if (live != null) {
                // the last GRADING_PROGRESS may trail the state change by a moment
                finalProgress.await(3, TimeUnit.SECONDS);
            }
            bar.update(job.done(), job.total(), job.state());
            bar.finish();
            int progressEvents = live == null ? 0 : live.messages("GRADING_PROGRESS").size();
            return new Outcome(job, startRequested, finalStateAt.get(), live != null, progressEvents,
                    finalProgress.getCount() == 0, finalState.getCount() == 0);
        } finally {
            if (live != null) {
                live.close();
            }
        }
    }

    private static Job awaitFinal(GatewayClient gateway, String jobId) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                Job job = gateway.job(jobId);
                if (job.isFinal() || attempt >= 50) {
                    return job;
                }
            } catch (GatewayException | UncheckedIOException e) {
                if (attempt >= 50) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }
}
