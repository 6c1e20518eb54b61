package io.zhiyue.streams.lifecycle;

import io.zhiyue.shared.event.DataDeletionRequested;

/**
 * How an erased id is found and replaced in text a service keeps (PostgreSQL {@code regexp_replace} and
 * {@code LIKE}), once for every service: the id counts only as a whole token — bounded by the start or end of the
 * text or by a character that is not a letter or digit ({@code /}, {@code :}, {@code ,}, {@code =}, {@code "}…) —
 * so erasing {@code S1} leaves {@code S12} and {@code XS1} alone.
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

    /**
     * A PostgreSQL regular expression (ARE) matching {@code id} as a whole token. Every character of the id that is
     * not a letter or digit is escaped: in an ARE a backslash before such a character stands for the character.
     */
    public static String wholeToken(String id) {
        StringBuilder escaped = new StringBuilder("(?<![[:alnum:]])");
        id.codePoints().forEach(c -> {
            if (!Character.isLetterOrDigit(c)) {
                escaped.append('\\');
            }
            escaped.appendCodePoint(c);
        });
        return escaped.append("(?![[:alnum:]])").toString();
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
