package io.zhiyue.grading.grader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The one text form answers and rubric phrases are compared in: NFKC (full-width → half-width,
 * U+3000 → space), lower case in {@link Locale#ROOT}, trimmed, every white-space run collapsed
 * to a single space. {@code null} becomes the empty string.
 */
public final class TextNormalizer {

    private TextNormalizer() {
    }

    /**
     * The SHA-256 of a normalised text: the key its embedding is stored under and its answer
     * group is found by, so both always name a text the same way.
     */
    public static byte[] key(String normalized) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(normalized.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static String normalize(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(folded.length());
        boolean pendingSpace = false;
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            // isSpaceChar adds the no-break spaces that isWhitespace deliberately leaves out.
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pendingSpace = !out.isEmpty();
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }
}
