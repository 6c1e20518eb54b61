package io.zhiyue.grading.grader;

/**
 * Text for regex matching that stops a runaway pattern: every character read costs one unit and
 * the match fails with {@link RegexBudgetExceededException} once the budget is spent. A teacher's
 * catastrophic-backtracking regex then fails one submission instead of stalling a worker.
 */
final class BudgetedText implements CharSequence {

    /** Far above what any sane pattern needs on a 20,000-character answer. */
    static final long DEFAULT_BUDGET = 5_000_000;

    static final class RegexBudgetExceededException extends RuntimeException {
        RegexBudgetExceededException() {
            super("the rubric's regex needs too much work on this answer (catastrophic backtracking or deep recursion)", null, false, false);
        }
    }

    private final CharSequence text;
    private final long[] remaining;

    BudgetedText(CharSequence text, long budget) {
        this(text, new long[] {budget});
    }

    private BudgetedText(CharSequence text, long[] remaining) {
        this.text = text;
        this.remaining = remaining;
    }

    @Override
    public char charAt(int index) {
        if (--remaining[0] < 0) {
            throw new RegexBudgetExceededException();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BudgetedText(text.subSequence(start, end), remaining);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
