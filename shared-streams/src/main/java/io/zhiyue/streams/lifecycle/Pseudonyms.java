package io.zhiyue.streams.lifecycle;

import io.zhiyue.shared.event.DataDeletionRequested;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How an erased id is found and replaced in text a service keeps (PostgreSQL {@code regexp_replace} and
 * {@code LIKE}), once for every service: the id counts only as a whole token — bounded by the start or end of the
 * text or by a character that cannot continue it ({@code /}, {@code :}, {@code ,}, {@code =}, {@code "}, white
 * space…; see {@link #wholeToken(List)}) — so erasing {@code S1} leaves {@code S12}, {@code XS1}, {@code S1-2} and
 * {@code S1.x} alone, and erasing 张三 leaves 张三丰 alone.
 */
public final class Pseudonyms {

    private Pseudonyms() {
    }

    /**
     * What a service writes in place of the student id: the request's pseudonym; without one, one made from the
     * request's own random id — the same on every delivery (a redelivery changes nothing more), nothing of the
     * student's.
     */
    public static String of(DataDeletionRequested request) {
        String given = request.pseudonym();
        return given != null && !given.isBlank() ? given : "erased-" + request.requestId();
    }

    /** What continues a token of ASCII text: {@code S1-2}, {@code S1.x} and {@code S1_3} are other tokens than S1. */
    private static final String ASCII_TOKEN = "-A-Za-z0-9._~";
    /** What continues a token that ends in other script: {@code 张三丰} is another name than 张三. */
    private static final String ANY_TOKEN = ASCII_TOKEN + "\\u0080-\\uffff";

    /**
     * A PostgreSQL regular expression (ARE) matching any of {@code forms} as a whole token: not preceded or followed
     * by a character that continues it (for an edge in ASCII, an ASCII letter, digit, {@code -}, {@code .},
     * {@code _} or {@code ~}; for an edge in another script, any character but ASCII punctuation and space). Every
     * ASCII character of a form that is not a letter or digit is escaped: in an ARE a backslash before such a
     * character stands for it (other scripts hold no operators). The classes are listed rather than {@code [[:alnum:]]}, whose letters beyond ASCII
     * depend on the database's locale.
     */
    public static String wholeToken(List<String> forms) {
        StringBuilder pattern = new StringBuilder("(?:");
        for (int i = 0; i < forms.size(); i++) {
            String form = forms.get(i);
            if (i > 0) {
                pattern.append('|');
            }
            pattern.append("(?<![").append(form.codePointAt(0) < 128 ? ASCII_TOKEN : ANY_TOKEN).append("])");
            form.codePoints().forEach(c -> {
                if (c < 128 && !Character.isLetterOrDigit(c)) {
                    pattern.append('\\');
                }
                pattern.appendCodePoint(c);
            });
            pattern.append("(?![").append(form.codePointBefore(form.length()) < 128 ? ASCII_TOKEN : ANY_TOKEN)
                    .append("])");
        }
        return pattern.append(')').toString();
    }

    /** {@link #wholeToken(List)} of the id as written. */
    public static String wholeToken(String id) {
        return wholeToken(List.of(id));
    }

    /** The forms an id takes in stored text: as written, and percent-encoded as a URL carries it (when different). */
    public static List<String> forms(String id) {
        String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
        return encoded.equals(id) ? List.of(id) : List.of(id, encoded);
    }

    /** {@code pseudonym} as the replacement text of {@code regexp_replace}, where a backslash is special. */
    public static String replacement(String pseudonym) {
        return pseudonym.replace("\\", "\\\\");
    }

    /** A {@code LIKE} pattern (default escape {@code \}) for text containing {@code id} anywhere. */
    public static String containing(String id) {
        return "%" + id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
