package io.zhiyue.grading.marking;

import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.grader.Vectors;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * When two different answers are near-identical, so they join one answer group (DESIGN.md
 * "Marking"): they have the same {@link #tokens} (they differ only in white space and sentence
 * punctuation), and the cosine of their stored embeddings reaches the threshold of their language.
 *
 * <p>Why no word may differ: embedding similarity is evidence of topic, not of correctness. On the
 * labelled evaluation set ({@code NearIdenticalThresholdsTest}) answers one token apart had equal
 * teacher scores in only 70-90 % of pairs at any cosine up to 0.98, because the one token is the
 * point: 大于/小于 (cosine 0.987), increases/decreases (0.983), more/less (0.982), 空心/实心,
 * summer/winter, up/down; two tokens apart, supply and demand swapped (0.992). Answers that differ
 * only in white space and punctuation had equal scores in every pair (37 of 37). A negation, a
 * number and a symbol are tokens like any other, so adding or dropping a "不", a "not", a digit or
 * a sign never merges; punctuation between a negation and another token is kept ("不，对" is not
 * "不对"), and so is a point, comma or colon inside a number ("3.5" is not "3 5", ".5" is not "5",
 * "1:2" is not "1 2"); brackets are tokens ("(a+b)^2" is not "a+b^2").
 *
 * <p>The cosine is the embedding's check on top, and by itself no guard at all: of the set's pairs
 * that reach 0.85, fewer than two in five have equal scores. The thresholds only have to let the
 * real near copies through, and punctuation weighs more in a short Chinese text (叶绿体 / 叶绿体。
 * 0.87) than in an English one (light / light. 0.89, chloroplast / chloroplast. 0.94), so each
 * language has its own. A text's language is CHINESE when most of its letters are CJK, else LATIN; texts with
 * the same tokens have the same letters, so both are of one language.
 */
public final class NearIdentical {

    /** The script a text is mostly written in, which sets its threshold. */
    public enum Language { CHINESE, LATIN }

    // measured in NearIdenticalThresholdsTest: at any cosine, every pair of the set's answers with the
    // same tokens has equal teacher scores, so a threshold only has to let punctuation variants through
    /** Chinese: a full stop moves a one-word answer far (光 / 光。 0.867, 叶绿体 / 叶绿体。 0.869). */
    static final double CHINESE_THRESHOLD = 0.85;
    /** English and other Latin-script text: punctuation moves less (light / light. 0.893, then 0.91 and up). */
    static final double LATIN_THRESHOLD = 0.88;

    /**
     * Sentence punctuation: separates tokens and is none, except beside a negation or inside a
     * number. Brackets are not in it: in a formula they are the meaning ({@code (a+b)^2} is not
     * {@code a+b^2}).
     */
    static final String PUNCTUATION = ",.;:!?、。·…\"'“”‘’";

    private static final Set<String> NEGATIONS = Set.of("不", "没", "沒", "非", "无", "無", "未", "别", "別", "否",
            "勿", "莫", "毋", "no", "not", "never", "none", "nor", "neither", "nobody", "nothing", "nowhere",
            "without", "cannot", "non");

    private NearIdentical() {
    }

    /** The cosine a pair of this language must reach. */
    public static double threshold(Language language) {
        return language == Language.CHINESE ? CHINESE_THRESHOLD : LATIN_THRESHOLD;
    }

    /** Whether two texts with the same tokens, of this language, are near-identical by their unit vectors. */
    public static boolean similar(Language language, float[] a, float[] b) {
        return cosine(a, b) >= threshold(language);
    }

    /**
     * The text's tokens, one string: two normalised texts ({@link TextNormalizer}) with the same
     * skeleton differ only in white space and sentence punctuation. Tokens are written one after
     * another, two words with a space between, so a text with neither white space nor punctuation
     * is its own skeleton.
     */
    public static String skeleton(String normalized) {
        if (normalized.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                || PUNCTUATION.indexOf(c) >= 0)) {
            return normalized;
        }
        StringBuilder skeleton = new StringBuilder(normalized.length());
        boolean afterWord = false;
        for (String token : tokens(normalized)) {
            int first = token.codePointAt(0);
            boolean word = Character.isLetterOrDigit(first) && !isCjk(first);
            if (word && afterWord) {
                skeleton.append(' ');
            }
            skeleton.append(token);
            afterWord = word;
        }
        return skeleton.toString();
    }

    /** CHINESE when most of the text's letters are CJK. */
    public static Language language(String text) {
        int cjk = 0;
        int other = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (isCjk(codePoint)) {
                cjk++;
            } else if (Character.isLetter(codePoint)) {
                other++;
            }
            i += Character.charCount(codePoint);
        }
        return cjk > other ? Language.CHINESE : Language.LATIN;
    }

    /**
     * A CJK character, a word or number (letters and digits, with an apostrophe between letters
     * and a point or comma between digits), or any other symbol is a token; white space separates
     * tokens; sentence punctuation ({@link #PUNCTUATION}) separates them too and is a token only
     * between a negation and another token ("不，对" is not "不对", "不。" is "不").
     */
    static List<String> tokens(String text) {
        List<String> raw = new ArrayList<>();
        int wordStart = -1;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            if (isWordPart(text, i, codePoint, next, wordStart >= 0)) {
                if (wordStart < 0) {
                    wordStart = i;
                }
            } else {
                if (wordStart >= 0) {
                    raw.add(text.substring(wordStart, i));
                    wordStart = -1;
                }
                if (!Character.isWhitespace(codePoint) && !Character.isSpaceChar(codePoint)) {
                    raw.add(text.substring(i, next));
                }
            }
            i = next;
        }
        if (wordStart >= 0) {
            raw.add(text.substring(wordStart));
        }
        List<String> tokens = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String token = raw.get(i);
            if (!isPunctuation(token) || i > 0 && i + 1 < raw.size()
                    && (isNegation(raw.get(i - 1)) || isNegation(raw.get(i + 1)))) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    private static boolean isWordPart(String text, int at, int codePoint, int next, boolean inWord) {
        if (isCjk(codePoint)) {
            return false;
        }
        if (Character.isLetterOrDigit(codePoint) || Character.getType(codePoint) == Character.NON_SPACING_MARK) {
            return true;
        }
        if (next >= text.length()) {
            return false;
        }
        int after = text.codePointAt(next);
        if (!inWord) {
            // a point that starts a number belongs to it: ".5" is not "5"
            return codePoint == '.' && Character.isDigit(after);
        }
        int before = text.codePointBefore(at);
        return (codePoint == '\'' || codePoint == '’') && Character.isLetter(before) && Character.isLetter(after)
                && !isCjk(after)
                // inside a number: 3.5, 1,000, a ratio 1:2
                || (codePoint == '.' || codePoint == ',' || codePoint == ':') && Character.isDigit(before)
                && Character.isDigit(after);
    }

    private static boolean isPunctuation(String token) {
        return token.length() == 1 && PUNCTUATION.indexOf(token.charAt(0)) >= 0;
    }

    static boolean isNegation(String token) {
        return NEGATIONS.contains(token) || token.endsWith("n't") || token.endsWith("n’t");
    }

    private static boolean isCjk(int codePoint) {
        // the common cases without a script look-up: Latin and punctuation, the basic ideographs
        if (codePoint < 0x2E80) {
            return false;
        }
        if (codePoint >= 0x4E00 && codePoint <= 0x9FFF) {
            return true;
        }
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }

    /** The cosine of two unit vectors. */
    static double cosine(float[] a, float[] b) {
        return Vectors.dot(a, b);
    }
}
