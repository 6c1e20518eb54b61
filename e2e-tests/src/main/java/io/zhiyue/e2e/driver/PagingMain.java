package io.zhiyue.e2e.driver;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code ./zhiyue bench paging}: grades N submissions, then reads every result of the job back page
 * by page through the gateway, once by {@code page=} (OFFSET: a deep page reads and skips every
 * row before it) and once by {@code cursor=} (keyset), and times the first and the last page of
 * each way (medians over several runs) and a CSV export of the whole job.
 *
 * <pre>PagingMain [--results 40000] [--page-size 200] [--runs 7] [--gateway http://localhost:8080]</pre>
 */
public final class PagingMain {

    private static final int QUESTIONS = 5;

    private PagingMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        URI gatewayUrl = URI.create("http://localhost:8080");
        int results = 40_000;
        int pageSize = 200;
        int runs = 7;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway" -> gatewayUrl = URI.create(value(args, ++i));
                case "--results" -> results = Integer.parseInt(value(args, ++i));
                case "--page-size" -> pageSize = Integer.parseInt(value(args, ++i));
                case "--runs" -> runs = Integer.parseInt(value(args, ++i));
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (results < QUESTIONS || pageSize < 1 || pageSize > 200 || runs < 1) {
            usage("--results at least " + QUESTIONS + ", --page-size 1..200, --runs at least 1");
        }
        GatewayClient gateway = new GatewayClient(gatewayUrl);
        if (!gateway.isReady()) {
            System.err.println("bench: the gateway at " + gatewayUrl + " is not ready (try ./zhiyue up, ./zhiyue status)");
            System.exit(1);
        }
        try {
            System.exit(run(gateway, results, pageSize, runs, out));
        } catch (GatewayException | UncheckedIOException | IllegalStateException e) {
            out.println();
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int run(GatewayClient gateway, int requested, int pageSize, int runs, PrintStream out)
            throws InterruptedException {
        SampleExam exam = SampleExam.generate((requested + QUESTIONS - 1) / QUESTIONS, 11L);
        out.printf(Locale.ROOT, "%nbench paging: %,d results of one job read back through %s, %d per page%n",
                exam.size(), gateway.base(), pageSize);
        String examId = gateway.createExam("Paging " + exam.title(), exam.subject());
        exam.questions().forEach(q -> gateway.addQuestion(examId, q));
        for (String chunk : exam.csvChunks(5_000)) {
            gateway.uploadCsv(examId, chunk);
        }
        Job job = JobFollower.startAndFollow(gateway, gateway.createJob(examId).id(), out, Duration.ofMinutes(30)).job();
        if (!"COMPLETED".equals(job.state()) || job.graded() != exam.size()) {
            out.println("  the job ended " + job.state() + " with " + job.graded() + " graded; nothing to measure");
            return 1;
        }
        String jobId = job.id();
        gateway.results(jobId, 1, pageSize); // warm-up: plans and connections, not measured

        long offsetStart = System.nanoTime();
        int pages = (int) ((job.graded() + pageSize - 1) / pageSize);
        long offsetRows = 0;
        for (int page = 1; page <= pages; page++) {
            offsetRows += gateway.results(jobId, page, pageSize).items().size();
        }
        long offsetMillis = millisSince(offsetStart);

        long cursorStart = System.nanoTime();
        List<String> cursors = new ArrayList<>();
        ResultPage page = gateway.results(jobId, 1, pageSize);
        long cursorRows = page.items().size();
        while (page.nextCursor() != null) {
            cursors.add(page.nextCursor());
            page = gateway.resultsAfter(jobId, page.nextCursor(), pageSize);
            cursorRows += page.items().size();
        }
        long cursorMillis = millisSince(cursorStart);
        if (offsetRows != job.graded() || cursorRows != job.graded()) {
            out.printf(Locale.ROOT, "  rows read: %,d by page, %,d by cursor, of %,d: FAILED%n", offsetRows, cursorRows,
                    job.graded());
            return 1;
        }

        int lastPage = pages;
        String lastCursor = cursors.get(cursors.size() - 1);
        double firstByPage = median(runs, () -> gateway.results(jobId, 1, pageSize));
        double lastByPage = median(runs, () -> gateway.results(jobId, lastPage, pageSize));
        double lastByCursor = median(runs, () -> gateway.resultsAfter(jobId, lastCursor, pageSize));
        double export = median(Math.min(runs, 3), () -> gateway.exportCsv(jobId));

        out.printf(Locale.ROOT, "  every page, one after another (%,d pages):%n", pages);
        out.printf(Locale.ROOT, "    by page=    %,8d ms  (%,.1f ms a page)%n", offsetMillis, (double) offsetMillis / pages);
        out.printf(Locale.ROOT, "    by cursor=  %,8d ms  (%,.1f ms a page)%n", cursorMillis, (double) cursorMillis / pages);
        out.printf(Locale.ROOT, "  one page, median of %d runs:%n", runs);
        out.printf(Locale.ROOT, "    page 1                   %,8.1f ms%n", firstByPage);
        out.printf(Locale.ROOT, "    page %,d by page=       %,8.1f ms%n", lastPage, lastByPage);
        out.printf(Locale.ROOT, "    page %,d by cursor=     %,8.1f ms  (%.2f x page 1)%n", lastPage, lastByCursor,
                lastByCursor / firstByPage);
        out.printf(Locale.ROOT, "  CSV export of all %,d results, median of %d: %,.0f ms%n", job.graded(),
                Math.min(runs, 3), export);
        return 0;
    }

    private static double median(int runs, Supplier<?> call) {
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            call.get();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return runs % 2 == 1 ? millis[runs / 2] : (millis[runs / 2 - 1] + millis[runs / 2]) / 2;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("bench: " + problem);
        System.err.println("usage: PagingMain [--results 40000] [--page-size 200] [--runs 7] [--gateway http://localhost:8080]");
        System.exit(2);
    }
}
