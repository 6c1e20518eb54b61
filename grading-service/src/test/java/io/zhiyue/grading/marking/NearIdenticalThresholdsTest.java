package io.zhiyue.grading.marking;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.embedding.AnswerEmbedder;
import io.zhiyue.grading.evaluation.LabelledSet;
import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.marking.NearIdentical.Language;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measurement behind {@link NearIdentical}, on the labelled evaluation set
 * ({@code evaluation/answers.csv}: answers with teacher scores, near copies and meaning flips among
 * them on purpose). Every pair of distinct normalised answers to one question is a pair answer
 * grouping could merge; a merge is right when both have the same teacher score.
 *
 * <p>It prints, per language and cosine, how many pairs reach it and what share of them has equal
 * scores: by cosine alone, within one or two token edits that leave negations, numbers and
 * symbols alone (the guard first thought of), and with the same tokens (the rule). Then, since
 * the set holds few near copies, the cosine between every answer (and some one-word answers the
 * set lacks) and its punctuation variants (full stop added or dropped, punctuation removed), which
 * a threshold must let through. It fails
 * when the chosen thresholds merge a pair of unequal scores, merge none of the set's near copies,
 * or refuse more than 1 % of the punctuation variants.
 *
 * <p>A Quarkus test, so the model is the application's: its native tokenizer loads once per JVM,
 * in one class loader.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class NearIdenticalThresholdsTest {

    /**
     * Fill-in answers of a word or two, which the set lacks and where punctuation weighs most; only
     * their punctuation variants are measured.
     */
    private static final List<String> SHORT_ANSWERS = List.of("光", "氧气", "叶绿体", "线粒体", "二氧化碳", "有机物",
            "空心", "浮力", "辛亥革命", "季风", "light", "oxygen", "chloroplast", "mitochondria", "tilt", "atp",
            "nationalism", "militarism", "the price rises", "demand");

    private static final double[] THRESHOLDS = {0.80, 0.85, 0.86, 0.88, 0.90, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97,
            0.98, 0.99};

    /** Two distinct normalised answers to one question. */
    private record Pair(String question, String a, String b, Language language, double cosine, int edits,
            boolean guardedAlike, boolean equalScore) {

        boolean withinEdits(int maxEdits) {
            return guardedAlike && edits <= maxEdits;
        }

        boolean sameTokens() {
            return edits == 0;
        }
    }

    @Inject
    AnswerEmbedder embedder;

    @Test
    void theChosenThresholdsMergeOnlyAnswersOfEqualScore() {
        Map<String, Map<String, BigDecimal>> scoreByText = scoresByNormalisedText(LabelledSet.load());
        Set<String> answers = new LinkedHashSet<>();
        scoreByText.values().forEach(byText -> answers.addAll(byText.keySet()));
        answers.remove("");
        Map<String, List<String>> variantsByAnswer = new LinkedHashMap<>();
        Set<String> texts = new LinkedHashSet<>(answers);
        texts.addAll(SHORT_ANSWERS);
        for (String answer : texts.stream().toList()) {
            List<String> variants = punctuationVariants(answer);
            variantsByAnswer.put(answer, variants);
            texts.addAll(variants);
        }
        Map<String, float[]> vectors = embed(new ArrayList<>(texts));

        List<Pair> pairs = pairs(scoreByText, vectors);
        System.out.printf("%d distinct normalised answers; %d pairs within a question%n", answers.size(),
                pairs.size());
        for (Language language : Language.values()) {
            List<Pair> ofLanguage = pairs.stream().filter(pair -> pair.language() == language).toList();
            System.out.printf("%n%s, %d pairs: equal teacher scores among the pairs that reach the cosine%n"
                    + "%-6s %-18s %-18s %-18s %-18s%n", language, ofLanguage.size(), "cos ≥", "cosine alone",
                    "≤ 2 edits, guard", "≤ 1 edit, guard", "same tokens");
            for (double threshold : THRESHOLDS) {
                List<Pair> similar = ofLanguage.stream().filter(pair -> pair.cosine() >= threshold).toList();
                System.out.printf("%-6.2f %-18s %-18s %-18s %-18s%n", threshold, share(similar),
                        share(similar.stream().filter(pair -> pair.withinEdits(2)).toList()),
                        share(similar.stream().filter(pair -> pair.withinEdits(1)).toList()),
                        share(similar.stream().filter(Pair::sameTokens).toList()));
            }
        }
        System.out.println("\npairs of unequal scores within 2 edits that leave negations, numbers and symbols alone:");
        pairs.stream().filter(pair -> pair.withinEdits(2) && !pair.equalScore() && pair.cosine() >= 0.90)
                .sorted((x, y) -> Double.compare(y.cosine(), x.cosine()))
                .forEach(pair -> System.out.printf("  %.4f %d %s | %s%n", pair.cosine(), pair.edits(), pair.a(),
                        pair.b()));

        System.out.printf("%npunctuation variants of the answers: cosine to the answer%n%-8s %5s %7s %7s %7s %7s"
                + "  %s%n", "", "n", "min", "1 %", "5 %", "median", "refused at the threshold");
        Map<Language, List<Double>> variantCosines = variantCosines(variantsByAnswer, vectors);
        for (Language language : Language.values()) {
            List<Double> cosines = variantCosines.get(language);
            long refused = cosines.stream().filter(cosine -> cosine < NearIdentical.threshold(language)).count();
            System.out.printf("%-8s %5d %7.4f %7.4f %7.4f %7.4f  %d (threshold %.2f)%n", language, cosines.size(),
                    cosines.get(0), percentile(cosines, 0.01), percentile(cosines, 0.05), percentile(cosines, 0.5),
                    refused, NearIdentical.threshold(language));
            assertThat(refused).as("%s punctuation variants refused", language).isLessThanOrEqualTo(cosines.size() / 100);
        }
        System.out.println("lowest ones:");
        lowestVariants(variantsByAnswer, vectors).forEach(System.out::println);

        List<Pair> merged = pairs.stream().filter(pair -> pair.sameTokens()
                && pair.cosine() >= NearIdentical.threshold(pair.language())).toList();
        assertThat(merged).allSatisfy(pair -> assertThat(pair.equalScore()).as(pair.toString()).isTrue());
        assertThat(merged).extracting(Pair::language).contains(Language.CHINESE, Language.LATIN);
    }

    /** Question → normalised answer → its teacher score (the set scores identical answers alike). */
    private static Map<String, Map<String, BigDecimal>> scoresByNormalisedText(LabelledSet set) {
        Map<String, Map<String, BigDecimal>> byQuestion = new LinkedHashMap<>();
        for (LabelledSet.Answer answer : set.answers()) {
            BigDecimal score = BigDecimal.valueOf(answer.score());
            BigDecimal earlier = byQuestion.computeIfAbsent(answer.question(), key -> new LinkedHashMap<>())
                    .putIfAbsent(TextNormalizer.normalize(answer.text()), score);
            assertThat(earlier == null || earlier.compareTo(score) == 0)
                    .as("identical answers score alike: %s", answer).isTrue();
        }
        return byQuestion;
    }

    private Map<String, float[]> embed(List<String> texts) {
        List<float[]> vectors = embedder.embed(texts).await().atMost(Duration.ofMinutes(5));
        Map<String, float[]> byText = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            byText.put(texts.get(i), vectors.get(i));
        }
        return byText;
    }

    private static List<Pair> pairs(Map<String, Map<String, BigDecimal>> scoreByText, Map<String, float[]> vectors) {
        List<Pair> pairs = new ArrayList<>();
        scoreByText.forEach((question, scores) -> {
            List<String> texts = scores.keySet().stream().filter(vectors::containsKey).toList();
            for (int i = 0; i < texts.size(); i++) {
                for (int j = i + 1; j < texts.size(); j++) {
                    String a = texts.get(i);
                    String b = texts.get(j);
                    Language language = NearIdentical.language(a);
                    if (language != NearIdentical.language(b)) {
                        continue;
                    }
                    List<String> aTokens = NearIdentical.tokens(a);
                    List<String> bTokens = NearIdentical.tokens(b);
                    int edits = editDistance(aTokens, bTokens);
                    assertThat(edits == 0).isEqualTo(NearIdentical.skeleton(a).equals(NearIdentical.skeleton(b)));
                    pairs.add(new Pair(question, a, b, language, NearIdentical.cosine(vectors.get(a), vectors.get(b)),
                            edits, guarded(aTokens).equals(guarded(bTokens)),
                            scores.get(a).compareTo(scores.get(b)) == 0));
                }
            }
        });
        return pairs;
    }

    /** A full stop added or dropped; the punctuation removed (a space in its place between words). */
    private static List<String> punctuationVariants(String answer) {
        boolean chinese = NearIdentical.language(answer) == Language.CHINESE;
        Set<String> variants = new LinkedHashSet<>();
        String stripped = answer.replaceAll("[\\p{Punct}、。·…“”‘’【】《》〈〉「」『』]+$", "");
        variants.add(stripped.equals(answer) ? answer + (chinese ? "。" : ".") : stripped);
        StringBuilder removed = new StringBuilder();
        for (int i = 0; i < answer.length(); i++) {
            char c = answer.charAt(i);
            removed.append(NearIdentical.PUNCTUATION.indexOf(c) < 0 ? c : chinese ? "" : " ");
        }
        variants.add(removed.toString());
        return variants.stream().map(TextNormalizer::normalize)
                .filter(variant -> !variant.equals(answer) && !variant.isEmpty()
                        && NearIdentical.skeleton(variant).equals(NearIdentical.skeleton(answer)))
                .toList();
    }

    private static Map<Language, List<Double>> variantCosines(Map<String, List<String>> variantsByAnswer,
            Map<String, float[]> vectors) {
        Map<Language, List<Double>> cosines = new LinkedHashMap<>();
        for (Language language : Language.values()) {
            cosines.put(language, new ArrayList<>());
        }
        variantsByAnswer.forEach((answer, variants) -> variants.forEach(variant -> cosines
                .get(NearIdentical.language(answer)).add(NearIdentical.cosine(vectors.get(answer), vectors.get(variant)))));
        cosines.values().forEach(list -> list.sort(null));
        return cosines;
    }

    private static List<String> lowestVariants(Map<String, List<String>> variantsByAnswer, Map<String, float[]> vectors) {
        List<Map.Entry<Double, String>> all = new ArrayList<>();
        variantsByAnswer.forEach((answer, variants) -> variants.forEach(variant -> all.add(Map.entry(
                NearIdentical.cosine(vectors.get(answer), vectors.get(variant)), answer + " | " + variant))));
        all.sort(Map.Entry.comparingByKey());
        List<String> lines = new ArrayList<>();
        for (Language language : Language.values()) {
            all.stream().filter(entry -> NearIdentical.language(entry.getValue()) == language).limit(6)
                    .forEach(entry -> lines.add("  %.4f %s".formatted(entry.getKey(), entry.getValue())));
        }
        return lines;
    }

    /** Negations, numbers and symbols, in order: what the edit guard first thought of left alone. */
    private static List<String> guarded(List<String> tokens) {
        return tokens.stream().filter(token -> NearIdentical.isNegation(token)
                || token.chars().anyMatch(Character::isDigit)
                || token.codePointCount(0, token.length()) == 1 && !Character.isLetter(token.codePointAt(0)))
                .toList();
    }

    /** Levenshtein distance over tokens. */
    private static int editDistance(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1];
        int[] current = new int[b.size() + 1];
        for (int j = 0; j <= b.size(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.size(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.size(); j++) {
                int substitution = previous[j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.size()];
    }

    private static double percentile(List<Double> sorted, double share) {
        return sorted.get((int) Math.floor(share * (sorted.size() - 1)));
    }

    private static String share(List<Pair> pairs) {
        if (pairs.isEmpty()) {
            return "0";
        }
        long equal = pairs.stream().filter(Pair::equalScore).count();
        return "%d/%d = %.0f %%".formatted(equal, pairs.size(), 100.0 * equal / pairs.size());
    }
}
