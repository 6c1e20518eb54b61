package io.zhiyue.streams.datasource;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement's name for metrics and logs, never its parameters or literals: the name a leading
 * {@code /* name *\/} comment gives it, else its verb and the first table it reads or writes
 * ({@code "update grading.jobs"}). So the names are as few as the statements in the code.
 */
final class StatementNames {

    private static final int MAX_LENGTH = 64;
    private static final Pattern COMMENT_NAME = Pattern.compile("^\\s*/\\*\\s*([\\w.:-]{1,64})\\s*\\*/");
    private static final Pattern VERB = Pattern.compile("^\\s*([A-Za-z]+)");
    private static final Pattern TABLE = Pattern.compile("\\b(?:FROM|INTO|UPDATE|JOIN)\\s+([A-Za-z_][\\w.]*)",
            Pattern.CASE_INSENSITIVE);

    private StatementNames() {
    }

    static String of(String sql) {
        Matcher comment = COMMENT_NAME.matcher(sql);
        if (comment.find()) {
            return comment.group(1);
        }
        Matcher verb = VERB.matcher(sql);
        String name = verb.find() ? verb.group(1).toLowerCase(Locale.ROOT) : "statement";
        Matcher table = TABLE.matcher(sql);
        if (table.find()) {
            name = name + " " + table.group(1).toLowerCase(Locale.ROOT);
        }
        return name.length() <= MAX_LENGTH ? name : name.substring(0, MAX_LENGTH);
    }
}
