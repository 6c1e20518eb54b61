package io.zhiyue.e2e.driver;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * <p>Before the measured job it grades jobs of {@code --warmup} submissions of another exam (default
 * 20,000) until two in a row run at the same rate, then waits for the machine to go quiet; 0
 * measures processes as they are, compiling as they go. {@code --subscribers N}
 * keeps N more sockets subscribed to the job while it runs. {@code --profile} (with {@code
 * --pg-url}) prints where the CPU went during the job, per kind of process, and what PostgreSQL
 * did: its costliest statements and the WAL written.
 *
 * <pre>BenchMain [--submissions 20000] [--gateway http://localhost:8080] [--chunk-rows 5000] [--no-verify]
 *           [--kill-pid PID] [--warmup 20000] [--subscribers N] [--no-reuse] [--profile --pg-url postgresql://…]</pre>
 */
public final class BenchMain {

    private static final int QUESTIONS = 5;
    private static final double TARGET_PER_SECOND = 10_000;
    private static final int PROFILED_STATEMENTS = 8;
    /** Warm-up stops once WARM_SETTLED rounds in a row gained less than WARM_GAIN on the best, or after WARM_ROUNDS. */
    private static final double WARM_GAIN = 0.05;
    private static final int WARM_SETTLED = 3;
    private static final int WARM_ROUNDS = 12;
    /** CPU (in cores) the services and the stores may use for the machine to count as quiet. */
    private static final double QUIET_CORES = 0.2;
    private static final Duration QUIET_WAIT = Duration.ofSeconds(30);
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
        Options options = new Options();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> options.warmup = Integer.parseInt(value(args, ++i));
                case "--subscribers" -> options.subscribers = Integer.parseInt(value(args, ++i));
                case "--profile" -> options.profile = true;
                case "--pg-url" -> options.pgUrl = value(args, ++i);
                case "--kill-pid" -> killPid = Long.parseLong(value(args, ++i));
                case "--gateway" -> gatewayUrl = URI.create(value(args, ++i));
                case "--submissions" -> submissions = Integer.parseInt(value(args, ++i));
                case "--chunk-rows" -> chunkRows = Integer.parseInt(value(args, ++i));
                case "--no-verify" -> verify = false;
                case "--no-reuse" -> options.noReuse = true;
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (submissions < QUESTIONS || chunkRows < 1 || options.warmup < 0 || options.subscribers < 0) {
            usage("--submissions must be at least " + QUESTIONS + ", --chunk-rows at least 1, --warmup and "
                    + "--subscribers at least 0");
        }
        if (options.profile && options.pgUrl == null) {
            usage("--profile needs --pg-url (the launcher passes it)");
        }
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        if (!gateway.isReady()) {
            System.err.println("bench: the gateway at " + gatewayUrl + " is not ready (try ./zhiyue up, ./zhiyue status)");
            System.exit(1);
        }
        try {
            System.exit(run(gateway, submissions, chunkRows, verify, killPid, options, out));
        } catch (GatewayException | UncheckedIOException | IllegalStateException | SQLException e) {
            out.println();
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
        }
    }

    /** What the bench does around the measured job. */
    private static java.util.Map<String, Object> settings(Options options) {
        return options.noReuse ? java.util.Map.of("reuseResults", false) : java.util.Map.of();
    }

    private static final class Options {
        int warmup = 20_000;
        int subscribers;
        /** Jobs grade every answer themselves, reusing no stored result (the exam's answers repeat across runs). */
        boolean noReuse;
        boolean profile;
        String pgUrl;
    }

    private static int run(GatewayClient gateway, int requested, int chunkRows, boolean verify, long killPid,
            Options options, PrintStream out) throws InterruptedException, SQLException {
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

        if (options.warmup > 0) {
            warmUp(gateway, options.warmup, options.subscribers, settings(options), out);
        }

        Job created = gateway.createJob(examId, settings(options));
        out.println("  job:      " + created.id());
        SubscriptionStorm listeners = options.subscribers == 0 ? null
                : subscribe(gateway, created.id(), options.subscribers, out);
        PgStatements postgres = options.profile ? new PgStatements(options.pgUrl) : null;
        Map<String, Double> cpuBefore = ProcessCpu.sample();
        if (postgres != null) {
            postgres.reset();
        }
        KillDuringJob kill = killPid > 0 ? KillDuringJob.arm(gateway, created.id(), killPid, KILL_AT) : null;
        JobFollower.Outcome outcome;
        try {
            outcome = JobFollower.startAndFollow(gateway, created.id(), out, Duration.ofMinutes(30));
        } finally {
            if (kill != null) {
                kill.close();
            }
        }
        Map<String, Double> cpu = ProcessCpu.used(cpuBefore, ProcessCpu.sample());
        PgStatements.Figures statements = postgres == null ? null : postgres.read(PROFILED_STATEMENTS);
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
        if (listeners != null) {
            listeners.awaitCompleted(Duration.ofSeconds(10));
            SubscriptionStorm.Figures figures = listeners.figures();
            out.printf(Locale.ROOT, "  with %,d more sockets subscribed to the job: %,d confirmed, %,d saw COMPLETED%n",
                    figures.sockets(), figures.confirmed(), figures.sawCompleted());
            listeners.close();
        }
        if (options.profile) {
            profile(job.graded() + job.failed(), cpu, statements, out);
        }

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

    /**
     * Grades jobs of another exam until the processes are warm: the JIT compiles the hot path over
     * the first hundred thousand or so submissions, so the measured job would otherwise time the
     * compiler. Rounds of {@code submissions} each run until {@link #WARM_SETTLED} in a row no
     * longer beat the best by {@link #WARM_GAIN} (at most {@link #WARM_ROUNDS}); then the bench
     * waits for the machine to go quiet (the post-job ANALYZE, the compiler's last queue) before
     * the measured job starts.
     */
    private static void warmUp(GatewayClient gateway, int submissions, int subscribers,
            java.util.Map<String, Object> settings, PrintStream out)
            throws InterruptedException {
        long start = System.nanoTime();
        SampleExam exam = SampleExam.generate((submissions + QUESTIONS - 1) / QUESTIONS, 5L);
        String examId = gateway.createExam("Warm-up " + exam.title(), exam.subject());
        exam.questions().forEach(q -> gateway.addQuestion(examId, q));
        exam.csvChunks(5_000).forEach(chunk -> gateway.uploadCsv(examId, chunk));
        List<String> curve = new ArrayList<>();
        double best = 0;
        int sinceBest = 0;
        for (int round = 1; round <= WARM_ROUNDS && sinceBest < WARM_SETTLED; round++) {
            double rate = gradeOnce(gateway, examId, subscribers, settings);
            curve.add(String.format(Locale.ROOT, "%,.0f", rate));
            if (rate > best * (1 + WARM_GAIN)) {
                best = rate;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }
        double quietAfter = awaitQuiet();
        out.printf(Locale.ROOT, "  warm-up:  %d job(s) of %,d submissions of another exam, submissions/s %s; quiet after "
                        + "%.1f s; %.1f s in all (not measured; --warmup 0 measures cold processes)%n", curve.size(),
                exam.size(), String.join(" -> ", curve), quietAfter, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Runs one job of the exam to its end, watched by {@code subscribers} sockets (so the live
     * channel's path is warm too), and returns the job's own submissions per second.
     */
    private static double gradeOnce(GatewayClient gateway, String examId, int subscribers,
            java.util.Map<String, Object> settings) throws InterruptedException {
        String jobId = gateway.createJob(examId, settings).id();
        SubscriptionStorm listeners = null;
        if (subscribers > 0) {
            listeners = SubscriptionStorm.prepare(gateway, "job:" + jobId, subscribers).open();
            listeners.awaitAnswered(Duration.ofSeconds(60));
        }
        try {
            gateway.startJob(jobId);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            Job job = gateway.job(jobId);
            while (!job.isFinal()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the warm-up job " + jobId + " did not finish in 10 minutes");
                }
                Thread.sleep(100);
                job = gateway.job(jobId);
            }
            if (!"COMPLETED".equals(job.state()) || job.timings() == null
                    || job.timings().submissionsPerSecond() == null) {
                throw new IllegalStateException("the warm-up job " + jobId + " ended " + job.state());
            }
            return job.timings().submissionsPerSecond().doubleValue();
        } finally {
            if (listeners != null) {
                listeners.awaitCompleted(Duration.ofSeconds(10));
                listeners.close();
            }
        }
    }

    /**
     * Waits until the services, PostgreSQL and Redis together use less than {@link #QUIET_CORES}
     * for a whole second (at most {@link #QUIET_WAIT}); returns the seconds waited.
     */
    private static double awaitQuiet() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + QUIET_WAIT.toNanos();
        Map<String, Double> before = ProcessCpu.sample();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            Map<String, Double> now = ProcessCpu.sample();
            double busy = ProcessCpu.used(before, now).entrySet().stream()
                    .filter(kind -> !ProcessCpu.BENCH.equals(kind.getKey()))
                    .mapToDouble(Map.Entry::getValue).sum();
            if (busy < QUIET_CORES) {
                break;
            }
            before = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static SubscriptionStorm subscribe(GatewayClient gateway, String jobId, int sockets, PrintStream out) {
        SubscriptionStorm storm = SubscriptionStorm.prepare(gateway, "job:" + jobId, sockets).open();
        storm.awaitAnswered(Duration.ofSeconds(60));
        out.printf(Locale.ROOT, "  listeners: %,d more sockets subscribed to the job, %,d confirmed%n", sockets,
                storm.figures().confirmed());
        return storm;
    }

    /** Where the CPU went during the job, and what PostgreSQL did for it, per submission. */
    private static void profile(long submissions, Map<String, Double> cpu, PgStatements.Figures postgres,
            PrintStream out) {
        out.println();
        out.println("  CPU during the job (job start -> COMPLETED, every process of each kind, from /proc):");
        double total = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        cpu.forEach((kind, seconds) -> out.printf(Locale.ROOT, "    %-18s %6.2f s  %6.1f µs per submission%n", kind,
                seconds, seconds * 1e6 / submissions));
        out.printf(Locale.ROOT, "    %-18s %6.2f s  %6.1f µs per submission%n", "all", total, total * 1e6 / submissions);
        out.println("  PostgreSQL during the job (pg_stat_statements; per submission):");
        out.println("     calls   exec µs   rows  blocks  WAL bytes  statement");
        for (PgStatements.Entry statement : postgres.statements()) {
            out.printf(Locale.ROOT, "    %6.3f  %8.1f  %5.2f  %6.1f  %9.0f  %s%n", (double) statement.calls() / submissions,
                    statement.execMillis() * 1e3 / submissions, (double) statement.rows() / submissions,
                    (double) statement.blocks() / submissions, (double) statement.walBytes() / submissions,
                    abbreviated(statement.text(), 70));
        }
        out.printf(Locale.ROOT, "    WAL in all: %,d records, %,d bytes (%,.0f bytes per submission)%n",
                postgres.walRecords(), postgres.walBytes(), (double) postgres.walBytes() / submissions);
    }

    private static String abbreviated(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
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
                + "[--chunk-rows 5000] [--no-verify] [--kill-pid PID] [--warmup 20000] [--subscribers N] "
                + "[--profile --pg-url postgresql://…]");
        System.exit(2);
    }
}
