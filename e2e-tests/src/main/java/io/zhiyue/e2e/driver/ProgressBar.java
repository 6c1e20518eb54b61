package io.zhiyue.e2e.driver;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;

/** A one-line progress bar redrawn in place with {@code \r}: percent, done/total, rate and state. */
public final class ProgressBar {

    private static final int WIDTH = 32;
    private static final long REDRAW_NANOS = 50_000_000L;

    private final PrintStream out;
    private long startNanos;
    private long lastDrawNanos;
    private int lastDone = -1;
    private String lastState;
    private boolean finished;

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    /** The rate is measured from here. */
    public synchronized void start() {
        startNanos = System.nanoTime();
    }

    /** Draws unless drawn very recently; never moves backwards (events may race the polls). */
    public synchronized void update(int done, int total, String state) {
        long now = System.nanoTime();
        boolean last = total > 0 && done >= total;
        if (finished || done < lastDone || (done == lastDone && Objects.equals(state, lastState))
                || (!last && now - lastDrawNanos < REDRAW_NANOS)) {
            return;
        }
        lastDone = done;
        lastState = state;
        lastDrawNanos = now;
        double fraction = total == 0 ? 0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max((now - startNanos) / 1e9, 1e-3);
        out.print(String.format(Locale.ROOT, "\r  [%s%s] %5.1f%%  %,d/%,d  %,.0f subs/s  %-11s",
                "█".repeat(filled), "░".repeat(WIDTH - filled), fraction * 100, done, total, done / seconds,
                state == null ? "" : state));
        out.flush();
    }

    /** Ends the line; later updates are ignored. */
    public synchronized void finish() {
        if (!finished) {
            finished = true;
            out.println();
        }
    }
}
