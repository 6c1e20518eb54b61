package io.zhiyue.e2e.driver;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./zhiyue bench grading}: grades N submissions through the gateway and prints the
 * throughput from job start to COMPLETED and the publish-to-commit latency the job measured,
 * next to what the client saw. Scores are verified afterwards, outside the measured time.
 *
 * <p>With {@code --kill-pid} it SIGKILLs that grading-service process once the job is about a third
 * done, and prints how long the job stalled, how long it took to complete after the kill and how
 * the API answered meanwhile (a poll every 50 ms).
 *
 * <pre>BenchMain [--submissions 20000] [--gateway http://localhost:8080] [--chunk-rows 5000] [--no-verify]
 *           [--kill-pid PID]</pre>
 */
public final class BenchMain {

    private static final int QUESTIONS = 5;
    private static final double TARGET_PER_SECOND = 1_500;
    /** --kill strikes once this share of the job is done. */
    private static final double KILL_AT = 0.3;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        int submissions = 20_000;
        int chunkRows = 5_000;
        boolean verify = true;
        long killPid = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kill-pid" -> killPid = Long.parseLong(value(args, ++i));
                case "--gateway" -> gatewayUrl = URI.create(value(args, ++i));
                case "--submissions" -> submissions = Integer.parseInt(value(args, ++i));
                case "--chunk-rows" -> chunkRows = Integer.parseInt(value(args, ++i));
                case "--no-verify" -> verify = false;
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (submissions < QUESTIONS || chunkRows < 1) {
            usage("--submissions must be at least " + QUESTIONS + " and --chunk-rows at least 1");
        }
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        if (!gateway.isReady()) {
            System.err.println("bench: the gateway at " + gatewayUrl + " is not ready (try ./zhiyue up, ./zhiyue status)");
            System.exit(1);
        }
        try {
            System.exit(run(gateway, submissions, chunkRows, verify, killPid, out));
        } catch (GatewayException | UncheckedIOException | IllegalStateException e) {
            out.println();
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int run(GatewayClient gateway, int requested, int chunkRows, boolean verify, long killPid,
            PrintStream out) throws InterruptedException {
        int students = (requested + QUESTIONS - 1) / QUESTIONS;
        SampleExam exam = SampleExam.generate(students, 7L);
        out.printf(Locale.ROOT, "%nbench grading: %,d submissions (%,d students x %d questions) through %s, %d CPU core(s) "
                        + "on this machine%n", exam.size(), students, QUESTIONS, gateway.base(),
                Runtime.getRuntime().availableProcessors());

        String examId = gateway.createExam("Benchmark " + exam.title(), exam.subject());
        exam.questions().forEach(q -> gateway.addQuestion(examId, q));
        List<String> chunks = exam.csvChunks(chunkRows);
        long uploadStart = System.nanoTime();
        int accepted = 0;
        int rejected = 0;
        for (String chunk : chunks) {
            UploadReport report = gateway.uploadCsv(examId, chunk);
            accepted += report.accepted();
            rejected += report.rejected().size();
        }
        double uploadSeconds = (System.nanoTime() - uploadStart) / 1e9;
        out.printf(Locale.ROOT, "  upload:   %,d accepted, %d rejected in %d CSV request(s), %.2f s (%,.0f rows/s)%n",
                accepted, rejected, chunks.size(), uploadSeconds, accepted / uploadSeconds);
        if (accepted != exam.size()) {
            out.println("  upload lost rows; the figures below would not mean anything");
            return 1;
        }

        Job created = gateway.createJob(examId);
        out.println("  job:      " + created.id());
        KillDuringJob kill = killPid > 0 ? KillDuringJob.arm(gateway, created.id(), killPid, KILL_AT) : null;
        JobFollower.Outcome outcome;
        try {
            outcome = JobFollower.startAndFollow(gateway, created.id(), out, Duration.ofMinutes(30));
        } finally {
            if (kill != null) {
                kill.close();
            }
        }
        Job job = outcome.job();
        if (kill != null) {
            kill.report(out);
        }
        if (!"COMPLETED".equals(job.state())) {
            out.println("  the job ended " + job.state() + " (" + job.graded() + " graded, " + job.failed() + " failed)");
            return 1;
        }

        out.println();
        out.println("  server-side (the job's own timings, job start -> COMPLETED):");
        Job.Timings timings = job.timings();
        Duration serverDuration = DemoMain.jobDuration(job, outcome);
        double serverSeconds = Math.max(serverDuration.toMillis() / 1000.0, 0.001);
        double serverRate = timings != null && timings.submissionsPerSecond() != null
                ? timings.submissionsPerSecond().doubleValue()
                : job.graded() / serverSeconds;
        out.printf(Locale.ROOT, "    submissions/s           %,.0f%n", serverRate);
        out.printf(Locale.ROOT, "    duration                %,d ms total, %s ms executing%n", serverDuration.toMillis(),
                timings == null || timings.executeMs() == null ? "n/a" : String.format(Locale.ROOT, "%,d", timings.executeMs()));
        out.printf(Locale.ROOT, "    publish -> commit       p50 %s ms, p99 %s ms%n",
                timings == null ? "n/a" : DemoMain.plain(timings.publishToCommitP50Ms()),
                timings == null ? "n/a" : DemoMain.plain(timings.publishToCommitP99Ms()));
        double clientSeconds = Math.max(outcome.clientDuration().toMillis() / 1000.0, 0.001);
        out.println("  client-side (wall clock here, POST start -> final state seen"
                + (outcome.sawFinalState() ? " on the WebSocket):" : " by polling):"));
        out.printf(Locale.ROOT, "    duration                %,d ms%n", outcome.clientDuration().toMillis());
        out.printf(Locale.ROOT, "    submissions/s           %,.0f%n", job.graded() / clientSeconds);
        out.printf(Locale.ROOT, "    live progress events    %d%n", outcome.progressEvents());
        out.printf(Locale.ROOT, "  target >= %,.0f submissions/s (2 grading-service processes on this machine): %s%n",
                TARGET_PER_SECOND, serverRate >= TARGET_PER_SECOND ? "met" : "NOT met");

        if (!verify) {
            return 0;
        }
        long verifyStart = System.nanoTime();
        List<Result> results = DemoMain.allResults(gateway, job.id());
        Set<String> distinct = new HashSet<>();
        int wrong = 0;
        for (Result result : results) {
            distinct.add(result.submissionId());
            BigDecimal expected = exam.expectedScore(result.studentId(), result.questionNumber());
            if (result.score() == null || expected.compareTo(result.score()) != 0) {
                wrong++;
            }
        }
        boolean ok = results.size() == exam.size() && distinct.size() == exam.size() && wrong == 0;
        out.printf(Locale.ROOT, "  verified: %,d results, %,d distinct submissions, %,d score(s) differ from the expected "
                        + "(%.1f s, not part of the figures): %s%n", results.size(), distinct.size(), wrong,
                (System.nanoTime() - verifyStart) / 1e9, ok ? "OK" : "FAILED");
        return ok ? 0 : 1;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("bench: " + problem);
        System.err.println("usage: BenchMain [--submissions 20000] [--gateway http://localhost:8080] "
                + "[--chunk-rows 5000] [--no-verify] [--kill-pid PID]");
        System.exit(2);
    }
}
