package io.zhiyue.e2e.driver;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * {@code ./zhiyue bench ws}: N live-channel sockets held on one gateway, each its own teacher, spread over
 * {@code --jobs} exam channels; once every subscription is confirmed, one GRADING_PROGRESS a second per job is
 * appended to zhiyue:events (the services' own script) for {@code --seconds}. Prints how many sockets were
 * established, the delivery latency of each event (its stream id's milliseconds to the moment the last of its
 * subscribers had it), what every socket should have received against what it did (by id), and the gateway's
 * memory and CPU next to this client's own (they share the machine).
 *
 * <pre>WsBenchMain --gateway URL --redis URL [--gateway-pid PID] [--connections 10000] [--jobs 100]
 *             [--seconds 30] [--runs 1]</pre>
 */
public final class WsBenchMain {

    private static final String TENANT = "ws-bench";
    private static final int UPGRADES_PER_SECOND = 1_000;
    private static final int UPGRADES_IN_FLIGHT = 300;
    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final double MB = 1024 * 1024;

    private WsBenchMain() {
    }

    /** What one run measured; milliseconds, MB and % of one core. */
    record Run(int requested, int established, int failed, int held, int retried, double connectSeconds, int events,
            int appendFailures, double p50, double p99, double max, long expected, long received, long lost,
            long duplicates, double rssEnd, double rssPeak, double gatewayCpu, double clientCpu, List<String> reasons) {

        boolean clean() {
            return failed == 0 && lost == 0 && appendFailures == 0 && held == requested;
        }
    }

    /** One appended event: its stream id, the exam channel it went to, and when it was sent (nanoTime). */
    private record Appended(String id, int channel, long sentAt) {

        long idMillis() {
            return Long.parseLong(id.substring(0, id.indexOf('-')));
        }
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        String redisUrl = null;
        long gatewayPid = -1;
        int connections = 10_000;
        int jobs = 100;
        int seconds = 30;
        int runs = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gatewayUrl = URI.create(args[++i]);
                case "--redis" -> redisUrl = args[++i];
                case "--gateway-pid" -> gatewayPid = Long.parseLong(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (WsBenchMain --gateway URL --redis URL [--gateway-pid PID] [--connections N] [--jobs N]"
                        + " [--seconds N] [--runs N])");
            }
        }
        if (redisUrl == null || connections < 1 || jobs < 1 || seconds < 1 || runs < 1) {
            throw new IllegalArgumentException("--redis is required; counts are at least 1");
        }
        if (!new GatewayClient(gatewayUrl).isReady()) {
            System.err.println("bench: the gateway at " + gatewayUrl + " is not ready (try ./zhiyue up, ./zhiyue status)");
            System.exit(1);
        }
        out.printf(Locale.ROOT, "bench ws: %,d sockets (one teacher each, tenant %s) on %d exam channels, %d a channel;"
                + " one GRADING_PROGRESS per job a second for %d s; %d run(s)%n", connections, TENANT, jobs,
                (connections + jobs - 1) / jobs, seconds, runs);
        long minting = System.nanoTime();
        List<String> tokens = tokens(connections);
        out.printf(Locale.ROOT, "  minted %,d tokens in %.1f s%n", connections, (System.nanoTime() - minting) / 1e9);

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        List<Run> done = new ArrayList<>();
        try (EventAppender appender = new EventAppender(vertx, redisUrl)) {
            for (int i = 1; i <= runs; i++) {
                Run run = run(vertx, appender, gatewayUrl, gatewayPid, tokens, jobs, seconds);
                out.printf(Locale.ROOT, "  run %d: %,d of %,d established, delivery p50 %.0f ms, p99 %.0f ms, max %.0f ms;"
                        + " %,d lost, %,d duplicates%n", i, run.established(), run.requested(), run.p50(), run.p99(),
                        run.max(), run.lost(), run.duplicates());
                done.add(run);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        boolean clean = print(out, done, gatewayPid, seconds);
        System.exit(clean ? 0 : 1);
    }

    /** A token per socket, each a distinct teacher of the bench tenant (the gateway caps sockets per user). */
    private static List<String> tokens(int count) {
        return IntStream.range(0, count).parallel()
                .mapToObj(i -> LocalIdentity.token(TENANT, "ws-bench-" + i, Set.of("teacher"))).toList();
    }

    private static Run run(Vertx vertx, EventAppender appender, URI gateway, long gatewayPid, List<String> tokens,
            int jobs, int seconds) throws InterruptedException {
        List<UUID> exams = IntStream.range(0, jobs).mapToObj(i -> UUID.randomUUID()).toList();
        List<UUID> jobIds = IntStream.range(0, jobs).mapToObj(i -> UUID.randomUUID()).toList();
        List<String> channels = exams.stream().map(exam -> "exam:" + exam).toList();
        ProcessGauge gatewayGauge = new ProcessGauge(gatewayPid);
        ProcessGauge clientGauge = ProcessGauge.self();
        AtomicLong peak = new AtomicLong(gatewayGauge.residentBytes());
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(gatewayGauge.residentBytes(), Math::max),
                1, 1, TimeUnit.SECONDS);
        try (LiveSocketFleet fleet = new LiveSocketFleet(vertx, gateway, channels, tokens)) {
            long connecting = System.nanoTime();
            fleet.open(UPGRADES_PER_SECOND, UPGRADES_IN_FLIGHT,
                    Duration.ofSeconds(60 + tokens.size() / 100));
            double connectSeconds = (System.nanoTime() - connecting) / 1e9;
            List<LiveSocketFleet.Socket> sockets = fleet.sockets();
            int established = (int) sockets.stream().filter(LiveSocketFleet.Socket::isConfirmed).count();

            double gatewayBefore = gatewayGauge.cpuSeconds();
            double clientBefore = clientGauge.cpuSeconds();
            long publishing = System.nanoTime();
            AtomicInteger appendFailures = new AtomicInteger();
            List<Appended> appended = publish(appender, exams, jobIds, seconds, appendFailures);
            double window = (System.nanoTime() - publishing) / 1e9;
            double gatewayCpu = 100 * (gatewayGauge.cpuSeconds() - gatewayBefore) / window;
            double clientCpu = 100 * (clientGauge.cpuSeconds() - clientBefore) / window;

            List<List<LiveSocketFleet.Socket>> byChannel = new ArrayList<>();
            channels.forEach(channel -> byChannel.add(new ArrayList<>()));
            sockets.forEach(socket -> byChannel.get(socket.channelIndex).add(socket));
            long expected = appended.stream().mapToLong(event -> subscribers(byChannel, event).size()).sum();
            awaitReceived(fleet, expected);

            List<Double> latencies = new ArrayList<>();
            long received = 0;
            for (Appended event : appended) {
                long last = Long.MIN_VALUE;
                boolean everyone = true;
                for (LiveSocketFleet.Socket socket : subscribers(byChannel, event)) {
                    long at = socket.arrivalOf(event.id());
                    if (at < 0) {
                        everyone = false;
                    } else {
                        received++;
                        last = Math.max(last, at);
                    }
                }
                if (everyone && last != Long.MIN_VALUE) {
                    latencies.add((double) (last - event.idMillis()));
                }
            }
            long duplicates = sockets.stream().mapToLong(LiveSocketFleet.Socket::duplicates).sum();
            int held = (int) sockets.stream().filter(s -> s.isConfirmed() && s.closedByGateway().isEmpty()).count();
            long rssEnd = gatewayGauge.residentBytes();
            peak.accumulateAndGet(rssEnd, Math::max);
            return new Run(tokens.size(), established, tokens.size() - established, held, fleet.retried(), connectSeconds,
                    appended.size(), appendFailures.get(), percentile(latencies, 0.5), percentile(latencies, 0.99),
                    percentile(latencies, 1.0), expected, received, expected - received, duplicates, rssEnd / MB,
                    peak.get() / MB, gatewayCpu, clientCpu, fleet.failureReasons());
        } finally {
            sampler.shutdownNow();
        }
    }

    /**
     * One GRADING_PROGRESS per job a second, the jobs' appends spread evenly over each second; waits for every
     * reply. Each event has a key of its own: the gateway drops an event whose key it saw recently.
     */
    private static List<Appended> publish(EventAppender appender, List<UUID> exams, List<UUID> jobIds, int seconds,
            AtomicInteger failures) {
        String run = UUID.randomUUID().toString();
        ConcurrentLinkedQueue<Appended> appended = new ConcurrentLinkedQueue<>();
        List<Future<String>> replies = new ArrayList<>();
        long interval = TimeUnit.SECONDS.toNanos(1) / exams.size();
        long start = System.nanoTime();
        for (int second = 0; second < seconds; second++) {
            for (int job = 0; job < exams.size(); job++) {
                long wait = start + TimeUnit.SECONDS.toNanos(second) + job * interval - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                Envelope envelope = Envelope.of(EventType.GRADING_PROGRESS, TENANT,
                        "ws-bench:" + run + ":" + job + ":" + second, progress(jobIds.get(job), exams.get(job), second + 1),
                        null);
                int channel = job;
                long sentAt = System.nanoTime();
                replies.add(appender.append(envelope)
                        .onSuccess(id -> appended.add(new Appended(id, channel, sentAt)))
                        .onFailure(failure -> failures.incrementAndGet()));
            }
        }
        try {
            Future.join(replies).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // a failed append is counted in failures; one without a reply is not among the appended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ArrayList<>(appended);
    }

    /** An intermediate progress of a job far from done (never a final one, which the gateway treats apart). */
    private static Map<String, Object> progress(UUID jobId, UUID examId, int graded) {
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("jobId", jobId.toString());
        progress.put("examId", examId.toString());
        progress.put("state", "EXECUTING");
        progress.put("total", 1_000_000);
        progress.put("graded", graded);
        progress.put("failed", 0);
        progress.put("cancelled", 0);
        progress.put("pendingReview", 0);
        progress.put("percent", 0);
        return progress;
    }

    /** The sockets that should get {@code event}: its channel's, confirmed before the event was sent. */
    private static List<LiveSocketFleet.Socket> subscribers(List<List<LiveSocketFleet.Socket>> byChannel,
            Appended event) {
        return byChannel.get(event.channel()).stream()
                .filter(socket -> socket.isConfirmed() && socket.confirmedAt() < event.sentAt()).toList();
    }

    /** Until every socket has everything it should, or {@link #DRAIN} passed since the last append. */
    private static void awaitReceived(LiveSocketFleet fleet, long expected) {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (fleet.received() < expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static double percentile(List<Double> values, double share) {
        return values.isEmpty() ? Double.NaN : Stats.percentile(values, share);
    }

    /** The figures, one a line (medians when there were several runs); true when every run was clean. */
    private static boolean print(PrintStream out, List<Run> runs, long gatewayPid, int seconds) {
        Run last = runs.getLast();
        out.println();
        if (runs.size() > 1) {
            out.printf(Locale.ROOT, "  medians of %d runs:%n", runs.size());
        }
        out.printf(Locale.ROOT, "  connections       requested %,d, established %,.0f, failed %,.0f, held to the end %,.0f%n",
                last.requested(), median(runs, Run::established), median(runs, Run::failed), median(runs, Run::held));
        out.printf(Locale.ROOT, "  connecting        %.1f s at up to %,d upgrades/s, %,.0f upgrades retried after 429%n",
                median(runs, Run::connectSeconds), UPGRADES_PER_SECOND, median(runs, Run::retried));
        runs.stream().flatMap(run -> run.reasons().stream()).distinct().limit(5)
                .forEach(reason -> out.println("    failure: " + reason));
        out.printf(Locale.ROOT, "  delivery          p50 %.0f ms, p99 %.0f ms, max %.0f ms  (stream id ms to the last"
                + " subscriber's arrival; %,d events, %,.0f appends failed)%n", median(runs, Run::p50),
                median(runs, Run::p99), median(runs, Run::max), last.events(), median(runs, Run::appendFailures));
        out.printf(Locale.ROOT, "  messages          expected %,.0f, received %,.0f, lost %,.0f, duplicates %,.0f%n",
                median(runs, Run::expected), median(runs, Run::received), median(runs, Run::lost),
                median(runs, Run::duplicates));
        if (gatewayPid > 0) {
            out.printf(Locale.ROOT, "  gateway memory    RSS %.0f MB at the end, peak %.0f MB (sampled every second)%n",
                    median(runs, Run::rssEnd), median(runs, Run::rssPeak));
            out.printf(Locale.ROOT, "  gateway CPU       %.0f %% of one core while publishing (%d s)%n",
                    median(runs, Run::gatewayCpu), seconds);
        } else {
            out.println("  gateway memory    not measured (no --gateway-pid)");
        }
        out.printf(Locale.ROOT, "  bench client CPU  %.0f %% of one core while publishing (it shares the machine's %d cores"
                + " with the gateway, Redis and the rest)%n", median(runs, Run::clientCpu),
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "  machine           load average %s (1 min) at the end: other work on it slows every figure%n",
                loadAverage());
        boolean clean = runs.stream().allMatch(Run::clean);
        boolean target = clean && median(runs, Run::p99) < 100;
        out.printf(Locale.ROOT, "  target            every socket held, delivery p99 < 100 ms, 0 lost: %s%n",
                target ? "met" : "NOT met");
        return clean;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
        return Stats.median(runs.stream().map(figure::applyAsDouble).toList());
    }
}
