package io.zhiyue.e2e.driver;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code bench grading --kill}: SIGKILLs one grading-service process once the job is a given
 * share done, and reports what followed from the job's and the API's point of view.
 */
final class KillDuringJob implements AutoCloseable {

    private final JobWatch watch;
    private final long pid;
    private final Thread killer;
    private volatile long killedAt = -1;
    private volatile JobWatch.Sample atKill;

    private KillDuringJob(GatewayClient gateway, String jobId, long pid, double share) {
        this.watch = JobWatch.start(gateway, jobId, Duration.ofMillis(50));
        this.pid = pid;
        this.killer = Thread.ofPlatform().daemon().name("bench-kill").start(() -> strike(share));
    }

    static KillDuringJob arm(GatewayClient gateway, String jobId, long pid, double share) {
        return new KillDuringJob(gateway, jobId, pid, share);
    }

    private void strike(double share) {
        while (!Thread.currentThread().isInterrupted()) {
            JobWatch.Sample latest = watch.latest();
            if (latest != null && latest.total() > 0) {
                if (!"EXECUTING".equals(latest.state()) && latest.done() >= latest.total()) {
                    return;
                }
                if ("EXECUTING".equals(latest.state()) && latest.done() >= share * latest.total()) {
                    atKill = latest;
                    killedAt = System.nanoTime();
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    return;
                }
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void report(PrintStream out) {
        if (killedAt < 0) {
            out.println("  kill:     the job finished before it was a third done; nothing was killed");
            return;
        }
        JobWatch.Summary after = watch.since(killedAt);
        out.printf(Locale.ROOT, "  kill:     SIGKILL of grading-service pid %d at %,d/%,d done%n", pid, atKill.done(),
                atKill.total());
        out.printf(Locale.ROOT, "    job stalled             %,d ms (longest time its done count stood still after the kill)%n",
                after.longestStallMillis());
        out.printf(Locale.ROOT, "    kill -> job final       %,d ms%n", after.finalAfterMillis());
        out.printf(Locale.ROOT, "    API after the kill      %,d GET /grading-jobs/{id}, %d failed (errors for %,d ms), "
                + "slowest %,d ms%n", after.requests(), after.failed(), after.errorWindowMillis(),
                after.worstLatencyMillis());
    }

    @Override
    public void close() {
        killer.interrupt();
        watch.close();
    }
}
