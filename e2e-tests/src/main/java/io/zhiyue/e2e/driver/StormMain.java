package io.zhiyue.e2e.driver;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code ./zhiyue bench storm}: N sockets subscribe to one job at once (a class of dashboards, or
 * a reconnect storm), the REST API is asked about the job all the while, then the job runs. Prints
 * how many subscriptions were confirmed, how many sockets saw COMPLETED, the delivery latency of
 * COMPLETED (its commit time to arrival), and how the REST API answered during the storm.
 *
 * <pre>StormMain [--sockets 5000] [--gateway http://localhost:8080]</pre>
 */
public final class StormMain {

    private static final Duration PATIENCE = Duration.ofMinutes(3);

    private StormMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        int sockets = 5_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gatewayUrl = URI.create(args[++i]);
                case "--sockets" -> sockets = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: StormMain [--sockets 5000] [--gateway http://localhost:8080]");
                    System.exit(2);
                }
            }
        }
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        if (!gateway.isReady()) {
            System.err.println("bench: the gateway at " + gatewayUrl + " is not ready (try ./zhiyue up, ./zhiyue status)");
            System.exit(1);
        }
        Result result = run(gateway, sockets);
        result.print(out);
        System.exit(result.passed() ? 0 : 1);
    }

    /** What one storm measured; shared with the end-to-end test. */
    public record Result(SubscriptionStorm.Figures figures, JobWatch.Summary rest, boolean answered,
            boolean completed, long stormMillis, String jobState) {

        public boolean passed() {
            return answered && completed && figures.confirmed() == figures.sockets()
                    && figures.sawCompleted() == figures.sockets() && rest.failed() == 0;
        }

        public void print(PrintStream out) {
            SubscriptionStorm.Figures f = figures;
            out.printf(Locale.ROOT, "%nbench storm: %,d sockets subscribe to one job at once%n", f.sockets());
            out.printf(Locale.ROOT, "  opened                  %,d (%d failed to open)%n", f.opened(), f.failedToOpen());
            out.printf(Locale.ROOT, "  confirmed               %,d, refused %d %s in %,d ms; confirm p50 %d ms, p99 %d ms%n",
                    f.confirmed(), f.refused(), f.refusals().isEmpty() ? "" : f.refusals(), stormMillis,
                    f.confirmP50(), f.confirmP99());
            out.printf(Locale.ROOT, "  saw COMPLETED           %,d of %,d confirmed (job %s); delivery p50 %d ms, p99 %d ms%n",
                    f.sawCompleted(), f.confirmed(), jobState, f.deliveryP50(), f.deliveryP99());
            out.printf(Locale.ROOT, "  REST during the storm   %,d GET /grading-jobs/{id}, %d failed, %d answered on a retry"
                    + " after 503, slowest %,d ms%n", rest.requests(), rest.failed(), rest.retried(), rest.worstLatencyMillis());
            rest.failures().forEach(failure -> out.println("    failed: " + failure));
            out.println("  " + (passed() ? "every subscription confirmed, every socket saw COMPLETED, REST answered"
                    : "NOT every subscription was served"));
        }
    }

    public static Result run(GatewayClient gateway, int sockets) {
        SampleExam exam = SampleExam.generate(200, 11L);
        String examId = gateway.createExam("Storm " + exam.title(), exam.subject());
        exam.questions().forEach(q -> gateway.addQuestion(examId, q));
        gateway.uploadCsv(examId, exam.csv());
        Job job = gateway.createJob(examId);
        try (SubscriptionStorm storm = SubscriptionStorm.prepare(gateway, "job:" + job.id(), sockets);
             JobWatch rest = JobWatch.start(gateway, job.id(), Duration.ofMillis(100), true)) {
            long started = System.nanoTime();
            storm.open();
            boolean answered = storm.awaitAnswered(PATIENCE);
            long stormMillis = (System.nanoTime() - started) / 1_000_000;
            JobWatch.Summary duringStorm = rest.since(started);
            gateway.startJob(job.id());
            boolean completed = storm.awaitCompleted(PATIENCE);
            Job end = gateway.job(job.id());
            return new Result(storm.figures(), duringStorm, answered, completed, stormMillis, end.state());
        }
    }
}
