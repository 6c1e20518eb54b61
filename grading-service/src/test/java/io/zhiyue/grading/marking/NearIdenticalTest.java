package io.zhiyue.grading.marking;

import io.zhiyue.grading.grader.TextNormalizer;
import io.zhiyue.grading.marking.NearIdentical.Language;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class NearIdenticalTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "光合作用释放氧气。 | 光合作用释放氧气",
            "原料：二氧化碳和水；条件：光 | 原料 二氧化碳和水 条件 光",
            "Militarism, alliances, imperialism. | militarism alliances imperialism",
            "it's warmer | it's warmer!",
            "不。 | 不",
            "No. | no",
            "the answer is 3.5. | the answer is 3.5"})
    void textsOnlyPunctuationAndWhiteSpaceApartHaveOneSkeleton(String a, String b) {
        assertThat(skeleton(a)).isEqualTo(skeleton(b));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "光合作用需要光 | 光合作用不需要光",
            "不，对 | 不对",
            "对，不对 | 对不对",
            "no, it is | no it is",
            "it isn't | it is",
            "3.5 | 3 5",
            "1,000 | 1000",
            "x > 3 | x < 3",
            "-5 | 5",
            "its warmer | it's warmer",
            "light water | lightwater",
            "(a+b)^2 | a+b^2",
            "2×(3+4) | 2×3+4",
            "-(x+1) | -x+1",
            "a/(b+c) | a/b+c",
            "[1,2) | (1,2]",
            "x=.5 | x=5",
            ".5 | 5",
            "1:2 | 1 2"})
    void aChangedWordNumberSignOrNegationChangesTheSkeleton(String a, String b) {
        assertThat(skeleton(a)).isNotEqualTo(skeleton(b));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "光合作用需要光 | CHINESE",
            "ATP 是能量货币 | CHINESE",
            "the ATP 能量 | LATIN",
            "photosynthesis | LATIN",
            "3.14 | LATIN"})
    void aTextIsChineseWhenMostOfItsLettersAreCjk(String text, Language language) {
        assertThat(NearIdentical.language(TextNormalizer.normalize(text))).isEqualTo(language);
    }

    private static String skeleton(String text) {
        return NearIdentical.skeleton(TextNormalizer.normalize(text));
    }
}
